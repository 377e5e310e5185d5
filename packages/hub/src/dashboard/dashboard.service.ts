import { modelInfo, type Dashboard, type DeviceModel, type OrganizationDto } from '@tutti/protocol';
import { listServerSummaries } from '../agents/index.ts';
import type { Queryable } from '../db/index.ts';
import { countDevices, recentStatusChanges, type PlanOverride } from '../devices/index.ts';
import { listLocations } from '../locations/index.ts';

/** How many of the latest status changes the dashboard shows. */
export const DASHBOARD_RECENT_CHANGES = 20;

const zeroCounts = () => ({ healthy: 0, issue: 0, down: 0, total: 0 });

/**
 * The numbers of an organization's front page: devices by severity, by model, by server and by location, and what
 * changed last. Client organizations are added by the caller (see `clientSummaries`).
 */
export async function getDashboard(db: Queryable, orgId: string, plan?: PlanOverride): Promise<Dashboard> {
  const counts = await countDevices(db, orgId, plan);
  const servers = await listServerSummaries(db, orgId);
  const recentChanges = await recentStatusChanges(db, orgId, DASHBOARD_RECENT_CHANGES);
  const locations = await listLocations(db, orgId, plan);

  const devices = zeroCounts();
  const byModel = new Map<DeviceModel, ReturnType<typeof zeroCounts>>();
  const byAgent = new Map<string, ReturnType<typeof zeroCounts>>();
  for (const row of counts) {
    const model = byModel.get(row.model) ?? zeroCounts();
    byModel.set(row.model, model);
    const targets = [devices, model];
    if (row.agentId !== null) {
      const server = byAgent.get(row.agentId) ?? zeroCounts();
      byAgent.set(row.agentId, server);
      targets.push(server);
    }
    for (const target of targets) {
      target[row.severity] += row.count;
      target.total += row.count;
    }
  }
  return {
    devices,
    byModel: [...byModel.entries()]
      .map(([model, modelCounts]) => ({
        model,
        modelName: modelInfo(model).name,
        family: modelInfo(model).family,
        ...modelCounts,
      }))
      .sort((a, b) => b.total - a.total || a.modelName.localeCompare(b.modelName)),
    byServer: servers.map((server) => ({ ...server, ...(byAgent.get(server.id) ?? zeroCounts()) })),
    locations: locations.items,
    unassigned: locations.unassigned,
    clients: [],
    recentChanges,
  };
}

/** Devices by severity of each client organization; `db` must be scoped to those organizations. */
export async function clientSummaries(
  db: Queryable,
  clients: ReadonlyArray<Pick<OrganizationDto, 'id' | 'name'>>,
): Promise<Dashboard['clients']> {
  const summaries: Dashboard['clients'] = [];
  for (const client of clients) {
    const summary = { id: client.id, name: client.name, ...zeroCounts() };
    for (const row of await countDevices(db, client.id)) {
      summary[row.severity] += row.count;
      summary.total += row.count;
    }
    summaries.push(summary);
  }
  return summaries;
}
