import type { HubContext } from '../hub-context.ts';
import { withTenant } from '../db/index.ts';
import { listStaleRingingCalls } from './calls.queries.ts';
import { missUnansweredCall } from './calls.service.ts';

/** How often one hub node looks for calls whose ringing node went away before it could mark them missed. */
const SWEEP_EVERY_MS = 60_000;
const SWEEP_BATCH = 500;

/**
 * Times out ringing calls started on this node: after the ring time an unanswered call is logged as missed. A
 * scheduled sweep does the same for calls whose node stopped while they rang.
 */
export interface CallRinger {
  ring(orgId: string, callId: string): void;
  close(): void;
}

export function createCallRinger(context: HubContext): CallRinger {
  const timers = new Map<string, NodeJS.Timeout>();
  const miss = async (orgId: string, callId: string) => {
    const change = await withTenant(context.db, [orgId], (tx) =>
      missUnansweredCall(tx, orgId, callId, context.clock.now()),
    );
    if (change) context.chatBus.publish(change.event);
  };
  context.scheduler.every('calls.miss-unanswered', SWEEP_EVERY_MS, async ({ tickAt }) => {
    const before = new Date(tickAt.getTime() - context.config.callRingSeconds * 1000);
    for (const call of await listStaleRingingCalls(context.db, before, SWEEP_BATCH)) await miss(call.orgId, call.id);
  });
  return {
    ring(orgId, callId) {
      const timer = setTimeout(() => {
        timers.delete(callId);
        miss(orgId, callId).catch((error: unknown) =>
          context.log.error({ err: error, callId }, 'marking a call missed failed'),
        );
      }, context.config.callRingSeconds * 1000);
      timers.set(callId, timer);
    },
    close() {
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    },
  };
}
