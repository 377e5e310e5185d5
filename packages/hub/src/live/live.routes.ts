import type { FastifyInstance } from 'fastify';
import { LIVE_PATH, type DeviceDto, type LiveMessage } from '@tutti/protocol';
import { requireAuth } from '../auth/index.ts';
import type { HubContext } from '../hub-context.ts';

/** Above this many unsent bytes a slow browser gets no new frame; its pending changes keep coalescing instead. */
const MAX_BUFFERED_BYTES = 1024 * 1024;

/** `/live`: pushes device changes of the caller's organization, coalesced to one frame per flush interval. */
export function registerLiveRoutes(app: FastifyInstance, context: HubContext): void {
  let browsers = 0;
  context.metrics.gauge({
    name: 'tutti_live_browsers',
    help: 'Browsers subscribed to live updates (/live) on this hub node.',
    read: () => browsers,
  });
  app.get(
    LIVE_PATH,
    {
      websocket: true,
      preValidation: async (request) => {
        requireAuth(request);
      },
    },
    (socket, request) => {
      const auth = requireAuth(request);
      const pending = new Map<string, DeviceDto>();
      const send = (message: LiveMessage) => socket.send(JSON.stringify(message));

      const flush = () => {
        if (pending.size === 0 || socket.readyState !== socket.OPEN) return;
        if (socket.bufferedAmount > MAX_BUFFERED_BYTES) return;
        const devices = [...pending.values()];
        pending.clear();
        send({ type: 'devices.changed', devices });
      };
      browsers++;
      const timer = setInterval(flush, context.config.liveFlushMs);
      const unsubscribe = context.bus.subscribe(auth.orgId, (devices) => {
        for (const device of devices) pending.set(device.id, device);
      });
      socket.on('close', () => {
        browsers--;
        clearInterval(timer);
        unsubscribe();
      });
      // Browsers only listen on this socket; anything they send is ignored.
      socket.on('message', () => undefined);
      send({ type: 'ready' });
    },
  );
}
