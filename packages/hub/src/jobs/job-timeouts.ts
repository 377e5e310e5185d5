import { recordAudit } from '../audit/index.ts';
import type { HubContext } from '../hub-context.ts';
import { failOpenTargets, lockJob, openTargetsOfSilentAgents } from './jobs.queries.ts';

/** How often one hub node looks for targets held by agents that went silent. */
const SWEEP_MS = 60_000;
/** Targets handled per sweep; the next sweep takes the rest. */
const SWEEP_LIMIT = 5_000;

type SilentTarget = Awaited<ReturnType<typeof openTargetsOfSilentAgents>>[number];

function reasonFor(target: SilentTarget, minutes: number): string {
  const silence = `Agent ${target.agentName} has not reported for ${minutes} min`;
  if (target.state === 'running') {
    return `${silence} while it was running this target; the hub stopped waiting. Check the device before a retry: the change may or may not have been made.`;
  }
  if (target.dispatched) return `${silence}; it had received this target but not started it. Nothing was done.`;
  return `${silence}; the target was never handed to it. Nothing was done.`;
}

/**
 * Fails the open targets of agents that are disconnected and silent for longer than `jobAgentSilenceMinutes`, with
 * code `agent_unreachable` and a reason naming the agent, audited per job; then lets the dispatcher finish the jobs.
 * An outcome the agent reports later is about a finished target and changes nothing.
 */
export async function failTargetsOfSilentAgents(
  context: Pick<HubContext, 'db' | 'clock' | 'config' | 'jobs' | 'log'>,
): Promise<number> {
  const minutes = context.config.jobAgentSilenceMinutes;
  if (minutes === 0) return 0;
  const now = context.clock.now();
  const silent = await openTargetsOfSilentAgents(context.db, new Date(now.getTime() - minutes * 60_000), SWEEP_LIMIT);
  const byJob = new Map<string, SilentTarget[]>();
  for (const target of silent) byJob.set(target.jobId, [...(byJob.get(target.jobId) ?? []), target]);
  let failed = 0;
  for (const [jobId, targets] of byJob) {
    const orgId = targets[0]!.orgId;
    const changed = await context.db.transaction(async (tx) => {
      // The job's row lock orders this after any outcome being applied to the same job.
      await lockJob(tx, jobId);
      const byReason = new Map<string, string[]>();
      for (const target of targets) {
        const reason = reasonFor(target, minutes);
        byReason.set(reason, [...(byReason.get(reason) ?? []), target.id]);
      }
      const ids: string[] = [];
      for (const [reason, targetIds] of byReason) {
        ids.push(...(await failOpenTargets(tx, targetIds, 'agent_unreachable', reason, now)));
      }
      if (ids.length > 0) {
        await recordAudit(tx, {
          orgId,
          actorUserId: null,
          actorLabel: 'jobs',
          action: 'job.targets_abandoned',
          target: `job:${jobId}`,
          after: {
            agents: [...new Set(targets.map((target) => target.agentName))],
            silenceMinutes: minutes,
            targets: ids.length,
          },
        });
      }
      return ids;
    });
    if (changed.length === 0) continue;
    failed += changed.length;
    context.log.warn({ job: jobId, targets: changed.length }, 'job targets of a silent agent failed');
    await context.jobs.targetsChanged(orgId, new Map([[jobId, changed]]));
  }
  return failed;
}

/** Registers the sweep; the scheduler runs each tick on one hub node only. */
export function scheduleJobTimeouts(context: HubContext): void {
  context.scheduler.every('jobs.fail-silent-agents', SWEEP_MS, async () => {
    await failTargetsOfSilentAgents(context);
  });
}
