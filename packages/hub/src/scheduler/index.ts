export { createScheduler, type ScheduledTask, type ScheduledTick, type Scheduler } from './scheduler.ts';
export type { ScheduleSpec } from './schedule.ts';
