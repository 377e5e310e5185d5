import { randomBytes } from 'node:crypto';
import type { AgentEvent, DeviceReport, Role } from '@tutti/protocol';
import { ensureAgentAccount, ingestAgentEvents } from '../agents/index.ts';
import { authenticateAgent } from '../agents/agents.service.ts';
import type { Db } from '../db/index.ts';
import { ensureMember, ensureOrganization } from '../orgs/index.ts';

/** Test data goes in through the real services, so factories break when the services do. */
const unique = () => randomBytes(4).toString('hex');

export const TEST_PASSWORD = 'Correct-horse-9';

export function makeOrg(
  db: Db,
  overrides: { name?: string; kind?: 'platform' | 'support' | 'client' | 'enterprise'; parentId?: string } = {},
) {
  return ensureOrganization(
    db,
    {
      name: overrides.name ?? `Org ${unique()}`,
      kind: overrides.kind ?? 'client',
      parentId: overrides.parentId ?? null,
    },
    'test',
  );
}

export async function makeUser(db: Db, orgId: string, overrides: { email?: string; role?: Role } = {}) {
  const email = overrides.email ?? `user-${unique()}@example.test`;
  await ensureMember(
    db,
    { orgId, email, name: 'Test User', password: TEST_PASSWORD, role: overrides.role ?? 'administrator' },
    'test',
  );
  return { email, password: TEST_PASSWORD };
}

export async function makeAgent(db: Db, orgId: string, name = `agent-${unique()}`) {
  await ensureAgentAccount(db, orgId, name, TEST_PASSWORD, 'test');
  return authenticateAgent(db, name, TEST_PASSWORD, undefined);
}

export function makeDeviceReport(overrides: Partial<DeviceReport> = {}): DeviceReport {
  const serial = overrides.serial ?? `0196-${randomBytes(2).toString('hex')}-${randomBytes(1).toString('hex')}`;
  return {
    serial,
    model: 'CONVERGE_PRO_2_128T',
    name: `DSP ${serial}`,
    mac: '00:06:E2:00:00:01',
    firmware: '5.2.0.7',
    accessIp: '127.20.1.10',
    port: 23,
    connection: {
      subnet: '127.20.1.0',
      interfaceName: 'lo',
      stack: 'Boardroom',
      clink: 0,
      plink: null,
      hostSerial: null,
    },
    status: 'healthy',
    statusSince: new Date().toISOString(),
    ...overrides,
  };
}

/** Stores devices as if an agent had reported them; returns the reports. */
export async function makeDevices(db: Db, orgId: string, count: number, overrides: Partial<DeviceReport> = {}) {
  const agent = await makeAgent(db, orgId);
  const reports = Array.from({ length: count }, () => makeDeviceReport(overrides));
  const events: AgentEvent[] = reports.map((device, index) => ({
    seq: index + 1,
    at: new Date().toISOString(),
    kind: 'device.seen',
    device,
  }));
  await ingestAgentEvents(db, agent, events);
  return { agent, reports };
}
