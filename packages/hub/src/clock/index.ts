export { createManualClock, systemClock, type Clock, type ManualClock } from './clock.ts';
