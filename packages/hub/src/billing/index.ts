export { registerBillingRoutes } from './billing.routes.ts';
export { cloudPlanLimit } from './billing.service.ts';
export { runBillingCycle, scheduleBillingTasks, snapshotUsage } from './billing-cycle.ts';
