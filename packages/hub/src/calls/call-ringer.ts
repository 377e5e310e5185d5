import type { HubContext } from '../hub-context.ts';
import { withTenant } from '../db/index.ts';
import { missUnansweredCall } from './calls.service.ts';

/** Times out ringing calls started on this node: after the ring time an unanswered call is logged as missed. */
export interface CallRinger {
  ring(orgId: string, callId: string): void;
  close(): void;
}

export function createCallRinger(context: HubContext): CallRinger {
  const timers = new Map<string, NodeJS.Timeout>();
  return {
    ring(orgId, callId) {
      const timer = setTimeout(() => {
        timers.delete(callId);
        withTenant(context.db, [orgId], (tx) => missUnansweredCall(tx, orgId, callId, context.clock.now()))
          .then((change) => {
            if (change) context.chatBus.publish(change.event);
          })
          .catch((error: unknown) => context.log.error({ err: error, callId }, 'marking a call missed failed'));
      }, context.config.callRingSeconds * 1000);
      timers.set(callId, timer);
    },
    close() {
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    },
  };
}
