/** The live WebSocket: committed readings and device status, pushed to signed-in clients. */
import type { FastifyInstance } from 'fastify';
import type { LiveMessage } from '../../../protocol/api.schema.ts';
import type { LiveBus } from '../../live/live-bus.ts';
import { mayReceive } from '../../live/live-filter.ts';

/** Each message's JSON, made once however many screens receive it. */
const texts = new WeakMap<LiveMessage, string>();
function encoded(msg: LiveMessage): string {
  let text = texts.get(msg);
  if (text === undefined) {
    text = JSON.stringify(msg);
    texts.set(msg, text);
  }
  return text;
}

/** Registers `GET /api/v1/live` (WebSocket; token in `?token=`). */
export async function liveRoutes(app: FastifyInstance, opts: { live: LiveBus }): Promise<void> {
  app.get('/api/v1/live', { websocket: true, preValidation: app.authenticate, schema: { hide: true } }, (socket, req) => {
    const viewer = { userId: Number(req.user.sub), regionCode: req.user.regionCode };
    const send = (msg: LiveMessage) => {
      if (!mayReceive(viewer, msg)) return;
      // Drop rather than queue without bound for a client that does not keep up.
      if (socket.readyState === socket.OPEN && socket.bufferedAmount < 4 * 1024 * 1024) socket.send(encoded(msg));
    };
    send({ type: 'hello', user: req.user.username, serverTime: new Date().toISOString() });
    const unsubscribe = opts.live.subscribe(send);
    const ping = setInterval(() => socket.ping(), 20_000);
    socket.on('close', () => {
      clearInterval(ping);
      unsubscribe();
    });
    socket.on('error', () => socket.terminate());
  });
}
