import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Logger } from 'pino';

export interface LabelledValue {
  labels: Record<string, string>;
  value: number;
}

export interface GaugeOptions {
  /** Prometheus name, `tutti_` first, e.g. `tutti_webhook_deliveries_pending`. */
  name: string;
  help: string;
  labelNames?: string[];
  /** Read at every scrape: one number, or one value per label set. May query the database. */
  read: () => number | LabelledValue[] | Promise<number | LabelledValue[]>;
}

export interface CounterOptions {
  name: string;
  help: string;
  labelNames?: string[];
}

/**
 * The Prometheus metrics of one hub node, served at `/metrics`. Each node has its own registry (several hubs may
 * run in one process in tests); Prometheus scrapes every node and sums across them.
 */
export interface HubMetrics {
  readonly registry: Registry;
  /** Agent events stored (first time seen). */
  readonly eventsIngested: Counter;
  /** Agent events received again after a lost ack or a reconnect, and skipped. */
  readonly eventsDuplicate: Counter;
  readonly httpRequestSeconds: Histogram<'method' | 'route' | 'status'>;
  /** Registers a value read at scrape time: queue depths, connected clients, table sizes. */
  gauge(options: GaugeOptions): void;
  /** Registers a counter a feature increments itself. */
  counter(options: CounterOptions): Counter;
  /** The exposition text and its content type. */
  render(): Promise<{ contentType: string; body: string }>;
}

export function createHubMetrics(log: Logger): HubMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'tutti_' });
  const counter = (options: CounterOptions) =>
    new Counter({ ...options, labelNames: options.labelNames ?? [], registers: [registry] });
  return {
    registry,
    eventsIngested: counter({ name: 'tutti_agent_events_ingested_total', help: 'Agent events stored.' }),
    eventsDuplicate: counter({
      name: 'tutti_agent_events_duplicate_total',
      help: 'Agent events received again (resent after a lost ack) and skipped.',
    }),
    httpRequestSeconds: new Histogram({
      name: 'tutti_http_request_duration_seconds',
      help: 'HTTP request duration by method, route pattern and status code.',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    gauge({ read, ...options }) {
      new Gauge({
        ...options,
        labelNames: options.labelNames ?? [],
        registers: [registry],
        async collect() {
          try {
            const value = await read();
            this.reset();
            if (typeof value === 'number') this.set(value);
            else for (const entry of value) this.set(entry.labels, entry.value);
          } catch (error) {
            // One failing reading (say, the database restarting) must not take the whole scrape down: the gauge
            // reads NaN (unknown) instead of a stale or made-up value.
            this.reset();
            if (!options.labelNames?.length) this.set(Number.NaN);
            log.warn({ err: error, metric: options.name }, 'could not read a metric');
          }
        },
      });
    },
    counter,
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
