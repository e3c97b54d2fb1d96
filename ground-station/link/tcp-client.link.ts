/** A TCP client link to one autopilot or SITL (e.g. `tcp:127.0.0.1:5760`); reconnects while closed. */
import net from 'node:net';
import type { GcsLink } from './link.ts';

/** Connects to `host:port`; the single peer is named `tcp`. */
export function tcpClientLink(opts: { host: string; port: number; retryMs?: number }): GcsLink {
  let sock: net.Socket | undefined;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let receiver: (b: Buffer, peer: string) => void = () => undefined;
  const connect = () => {
    if (closed) return;
    const s = net.connect(opts.port, opts.host);
    s.setNoDelay(true);
    s.on('data', (b) => receiver(b, 'tcp'));
    s.on('error', () => undefined);
    s.on('close', () => {
      if (sock === s) sock = undefined;
      if (!closed) timer = setTimeout(connect, opts.retryMs ?? 1000);
    });
    sock = s;
  };
  connect();
  return {
    name: `tcp:${opts.host}:${opts.port}`,
    onData(fn) {
      receiver = fn;
    },
    send(bytes) {
      if (sock && !sock.connecting) sock.write(bytes);
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      sock?.destroy();
    },
  };
}
