import { randomUUID } from 'node:crypto';
import { connect, type Msg, type Subscription } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { z } from 'zod';
import { appError, deviceDtoSchema, type DeviceDto } from '@tutti/protocol';
import { createLocalFanOut, type LiveBus } from './live-bus.ts';

const DEVICES_SUBJECT = 'tutti.live.devices';
const BROADCAST_SUBJECT = 'tutti.node';

/** Every message names the node that sent it: a node delivers its own changes locally at once and skips the echo. */
const envelopeSchema = z.object({ origin: z.string(), data: z.unknown() });
const devicesSchema = z.array(deviceDtoSchema);

export interface NatsLiveBus extends LiveBus {
  /** Resolves once the NATS server has processed everything this node sent so far, subscriptions included. */
  flush(): Promise<void>;
}

export interface NatsLiveBusOptions {
  /** For example `nats://127.0.0.1:4222`; several servers of a cluster separated by commas. */
  url: string;
  log: Logger;
}

/**
 * The live bus of a hub running as one of several nodes: device changes and node notices go to the other nodes
 * through NATS core subjects (`tutti.live.devices.<orgId>`, `tutti.node.<topic>`). A node subscribes to an
 * organization's subject only while a browser of that organization is connected to it. Live updates are
 * best-effort by design: the database holds the truth, and a browser reloads it on reconnect.
 */
export async function createNatsLiveBus(options: NatsLiveBusOptions): Promise<NatsLiveBus> {
  const log = options.log.child({ module: 'nats-live-bus' });
  const origin = randomUUID();
  const connection = await connect({
    servers: options.url.split(',').map((server) => server.trim()),
    name: `tutti-hub ${origin}`,
    // A hub outlives NATS restarts: keep trying, and buffer what is published meanwhile.
    maxReconnectAttempts: -1,
  }).catch((error: unknown) => {
    throw appError(
      'SERVICE_UNAVAILABLE',
      { nats: options.url },
      `Could not connect to NATS at ${options.url}: ${error instanceof Error ? error.message : String(error)}`,
    );
  });
  void (async () => {
    for await (const status of connection.status()) {
      if (status.type === 'disconnect' || status.type === 'reconnect') log.warn({ status: status.type }, 'NATS link');
    }
  })();

  const local = createLocalFanOut();
  const orgSubscriptions = new Map<string, Subscription>();
  const topicSubscriptions = new Map<string, Subscription>();

  function receive(message: Msg): unknown {
    try {
      const envelope = envelopeSchema.safeParse(message.json());
      if (!envelope.success) throw envelope.error;
      return envelope.data.origin === origin ? undefined : envelope.data.data;
    } catch (error) {
      log.warn({ err: error, subject: message.subject }, 'ignored a malformed NATS message');
      return undefined;
    }
  }

  function send(subject: string, payload: string): void {
    try {
      connection.publish(subject, payload);
    } catch (error) {
      log.warn({ err: error, subject }, 'could not publish to NATS');
    }
  }

  /** Splits a change that would exceed the server's message size limit (`max_payload`, 1 MiB by default). */
  function publishDevices(orgId: string, devices: DeviceDto[]): void {
    const limit = (connection.info?.max_payload ?? 1024 * 1024) - 1024;
    const payload = JSON.stringify({ origin, data: devices });
    if (Buffer.byteLength(payload) > limit && devices.length > 1) {
      const half = Math.ceil(devices.length / 2);
      publishDevices(orgId, devices.slice(0, half));
      publishDevices(orgId, devices.slice(half));
      return;
    }
    send(`${DEVICES_SUBJECT}.${orgId}`, payload);
  }

  return {
    publish(change) {
      if (change.devices.length === 0) return;
      local.emitDevices(change.orgId, change.devices);
      publishDevices(change.orgId, change.devices);
    },
    subscribe(orgId, listener) {
      if (!orgSubscriptions.has(orgId)) {
        const subscription = connection.subscribe(`${DEVICES_SUBJECT}.${orgId}`, {
          callback: (error, message) => {
            if (error) return;
            const data = receive(message);
            if (data === undefined) return;
            const devices = devicesSchema.safeParse(data);
            if (devices.success) local.emitDevices(orgId, devices.data);
            else log.warn({ subject: message.subject }, 'ignored device changes of an unexpected shape');
          },
        });
        orgSubscriptions.set(orgId, subscription);
      }
      const unsubscribe = local.subscribe(orgId, listener);
      return () => {
        unsubscribe();
        if (local.hasSubscribers(orgId)) return;
        orgSubscriptions.get(orgId)?.unsubscribe();
        orgSubscriptions.delete(orgId);
      };
    },
    broadcast(topic, data) {
      local.emitBroadcast(topic, data);
      send(`${BROADCAST_SUBJECT}.${topic}`, JSON.stringify({ origin, data }));
    },
    onBroadcast(topic, handler) {
      if (!topicSubscriptions.has(topic)) {
        const subscription = connection.subscribe(`${BROADCAST_SUBJECT}.${topic}`, {
          callback: (error, message) => {
            if (error) return;
            const data = receive(message);
            if (data !== undefined) local.emitBroadcast(topic, data);
          },
        });
        topicSubscriptions.set(topic, subscription);
      }
      return local.onBroadcast(topic, handler);
    },
    flush: () => connection.flush(),
    async close() {
      local.clear();
      orgSubscriptions.clear();
      topicSubscriptions.clear();
      // Sends what is still buffered, then closes.
      await connection.drain().catch(() => connection.close());
    },
  };
}
