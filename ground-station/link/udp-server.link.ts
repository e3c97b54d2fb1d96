/** A UDP server link that accepts any number of vehicles (or relays); each sender is a peer. */
import dgram from 'node:dgram';
import type { GcsLink } from './link.ts';

/** Socket buffers, bytes: mission bursts must not overflow the kernel queue. */
const UDP_BUFFER_BYTES = 4 << 20;

/** A bound UDP server link. */
export interface UdpServerLink extends GcsLink {
  /** The bound port (useful with port 0). */
  readonly port: number;
}

/** Binds a UDP server on `host:port` (port 0 picks one). */
export async function udpServerLink(opts: { port: number; host?: string }): Promise<UdpServerLink> {
  const sock = dgram.createSocket({ type: 'udp4', recvBufferSize: UDP_BUFFER_BYTES, sendBufferSize: UDP_BUFFER_BYTES });
  let receiver: (b: Buffer, peer: string) => void = () => undefined;
  sock.on('message', (msg, r) => receiver(msg, `${r.address}:${r.port}`));
  sock.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    sock.once('error', reject);
    sock.bind(opts.port, opts.host ?? '127.0.0.1', () => {
      sock.off('error', reject);
      resolve();
    });
  });
  const port = sock.address().port;
  return {
    name: `udp:${port}`,
    port,
    framing: 'datagram',
    onData(fn) {
      receiver = fn;
    },
    send(bytes, peer) {
      const i = peer.lastIndexOf(':');
      if (i < 0) return;
      sock.send(bytes, Number(peer.slice(i + 1)), peer.slice(0, i));
    },
    close: () => new Promise<void>((resolve) => sock.close(() => resolve())),
  };
}
