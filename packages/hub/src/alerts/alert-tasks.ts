import type { HubContext } from '../hub-context.ts';
import { deliverPending } from '../notifications/index.ts';
import { evaluateAlerts } from './alert-evaluator.ts';

/**
 * The alert ticks, each run by one hub node at a time: evaluate the rules (and send what that queued straight away),
 * and work through the delivery queue for retries and messages a stopped node left behind.
 */
export function scheduleAlertTasks(context: HubContext): void {
  const { evaluateSeconds, deliverSeconds } = context.config.alerts;
  context.scheduler.every('alerts.evaluate', evaluateSeconds * 1000, async () => {
    await evaluateAlerts(context);
    await deliverPending(context);
  });
  context.scheduler.every('alerts.deliver', deliverSeconds * 1000, async () => {
    await deliverPending(context);
  });
}
