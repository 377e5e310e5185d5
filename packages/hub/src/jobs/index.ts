export { registerJobRoutes } from './jobs.routes.ts';
export { createJobDispatcher, type JobDispatcher } from './job-dispatcher.ts';
export { applyJobTargetEvents, createJobWithInputs, type AppliedJobEvents } from './jobs.service.ts';
export { openJobToken } from './job-tokens.ts';
export { headerOf, openTargetUpload } from './target-uploads.ts';
export { failTargetsOfSilentAgents, scheduleJobTimeouts } from './job-timeouts.ts';
export { jobLoadsConfiguration, jobRestoresBackup } from './jobs.queries.ts';
