import { EventEmitter } from 'node:events';
import type { DeviceDto } from '@tutti/protocol';

export interface DeviceChange {
  orgId: string;
  devices: DeviceDto[];
}

/**
 * Fan-out of committed device changes to every browser of the same organization. In-process for a single hub
 * node; several nodes swap in a NATS-backed bus with the same interface.
 */
export interface LiveBus {
  publish(change: DeviceChange): void;
  subscribe(orgId: string, listener: (devices: DeviceDto[]) => void): () => void;
  close(): Promise<void>;
}

export function createLocalLiveBus(): LiveBus {
  const emitter = new EventEmitter();
  // Every open browser tab subscribes; the default limit of 10 is meant for leak detection, not for this.
  emitter.setMaxListeners(0);
  return {
    publish(change) {
      if (change.devices.length > 0) emitter.emit(change.orgId, change.devices);
    },
    subscribe(orgId, listener) {
      emitter.on(orgId, listener);
      return () => emitter.off(orgId, listener);
    },
    async close() {
      emitter.removeAllListeners();
    },
  };
}
