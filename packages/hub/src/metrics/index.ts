export { createHubMetrics, type CounterOptions, type GaugeOptions, type HubMetrics } from './hub-metrics.ts';
export { installHttpMetrics, METRICS_PATH, registerMetricsRoutes } from './metrics.routes.ts';
