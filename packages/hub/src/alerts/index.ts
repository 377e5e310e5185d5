export { registerAlertRoutes } from './alerts.routes.ts';
export { evaluateAlerts, type EvaluationRun } from './alert-evaluator.ts';
export { scheduleAlertTasks } from './alert-tasks.ts';
