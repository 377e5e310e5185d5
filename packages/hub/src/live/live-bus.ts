import { EventEmitter } from 'node:events';
import type { DeviceDto } from '@tutti/protocol';

export interface DeviceChange {
  orgId: string;
  devices: DeviceDto[];
}

/**
 * Fan-out between the parts of the hub: committed device changes to every browser of the same organization, and
 * notices every hub node must act on (close a disabled agent's link wherever it is connected). In-process for a
 * single hub node; several nodes use the NATS-backed bus with the same interface (createNatsLiveBus).
 */
export interface LiveBus {
  publish(change: DeviceChange): void;
  subscribe(orgId: string, listener: (devices: DeviceDto[]) => void): () => void;
  /** Delivers `data` (JSON) to the handlers of `topic` on every hub node, this one included. */
  broadcast(topic: string, data: unknown): void;
  onBroadcast(topic: string, handler: (data: unknown) => void): () => void;
  close(): Promise<void>;
}

/** The per-node half of every bus: listeners of this process, keyed by organization or topic. */
export interface LocalFanOut {
  emitDevices(orgId: string, devices: DeviceDto[]): void;
  emitBroadcast(topic: string, data: unknown): void;
  subscribe(orgId: string, listener: (devices: DeviceDto[]) => void): () => void;
  onBroadcast(topic: string, handler: (data: unknown) => void): () => void;
  hasSubscribers(orgId: string): boolean;
  clear(): void;
}

export function createLocalFanOut(): LocalFanOut {
  const devices = new EventEmitter();
  const notices = new EventEmitter();
  // Every open browser tab subscribes; the default limit of 10 is meant for leak detection, not for this.
  devices.setMaxListeners(0);
  notices.setMaxListeners(0);
  return {
    emitDevices(orgId, changed) {
      if (changed.length > 0) devices.emit(orgId, changed);
    },
    emitBroadcast(topic, data) {
      notices.emit(topic, data);
    },
    subscribe(orgId, listener) {
      devices.on(orgId, listener);
      return () => devices.off(orgId, listener);
    },
    onBroadcast(topic, handler) {
      notices.on(topic, handler);
      return () => notices.off(topic, handler);
    },
    hasSubscribers: (orgId) => devices.listenerCount(orgId) > 0,
    clear() {
      devices.removeAllListeners();
      notices.removeAllListeners();
    },
  };
}

export function createLocalLiveBus(): LiveBus {
  const local = createLocalFanOut();
  return {
    publish: (change) => local.emitDevices(change.orgId, change.devices),
    subscribe: (orgId, listener) => local.subscribe(orgId, listener),
    broadcast: (topic, data) => local.emitBroadcast(topic, data),
    onBroadcast: (topic, handler) => local.onBroadcast(topic, handler),
    async close() {
      local.clear();
    },
  };
}
