/**
 * Byte endpoints the dock uses for MAVLink: a UDP peer, a TCP client, a UDP listener (for an
 * external autopilot or SITL that sends first) and an in-memory pipe (the built-in simulator).
 */
import dgram from 'node:dgram';
import net from 'node:net';
import type { MavlinkFraming } from '../../../common/mavlink/mavlink-codec.ts';

/** A bidirectional byte channel. */
export interface ByteEndpoint {
  /** Sends bytes (one datagram for UDP). Dropped silently when the peer is not known yet. */
  send(bytes: Uint8Array): void;
  /** Registers the receiver of incoming bytes. */
  onData(fn: (bytes: Buffer) => void): void;
  close(): Promise<void>;
  /** `datagram` when each receive holds whole frames (UDP); a stream otherwise. */
  readonly framing?: MavlinkFraming;
}

/** Socket buffer size for UDP endpoints, bytes (bursts of mission items). */
const UDP_BUFFER_BYTES = 1 << 20;

/**
 * A UDP socket talking to one peer. With `remote`, it sends there; without, it learns the peer
 * from the first datagram it receives (`udp:port` endpoints that wait for the autopilot).
 */
export async function udpEndpoint(opts: { remote?: { host: string; port: number }; localPort?: number; host?: string }): Promise<ByteEndpoint & { localPort: number }> {
  const sock = dgram.createSocket({ type: 'udp4', recvBufferSize: UDP_BUFFER_BYTES, sendBufferSize: UDP_BUFFER_BYTES });
  let remote = opts.remote;
  let receiver: (b: Buffer) => void = () => undefined;
  sock.on('message', (msg, rinfo) => {
    if (!opts.remote) remote = { host: rinfo.address, port: rinfo.port };
    receiver(msg);
  });
  sock.on('error', () => undefined);
  await new Promise<void>((resolve) => sock.bind(opts.localPort ?? 0, opts.host ?? '127.0.0.1', resolve));
  return {
    localPort: sock.address().port,
    framing: 'datagram',
    send(bytes) {
      if (remote) sock.send(bytes, remote.port, remote.host);
    },
    onData(fn) {
      receiver = fn;
    },
    close: () => new Promise<void>((resolve) => sock.close(() => resolve())),
  };
}

/** A TCP client that reconnects every `retryMs` while closed (e.g. `tcp:127.0.0.1:5760`, SITL). */
export function tcpClientEndpoint(host: string, port: number, retryMs = 1000): ByteEndpoint {
  let sock: net.Socket | undefined;
  let closed = false;
  let receiver: (b: Buffer) => void = () => undefined;
  let timer: NodeJS.Timeout | undefined;
  const connect = () => {
    if (closed) return;
    const s = net.connect(port, host);
    s.setNoDelay(true);
    s.on('data', (b) => receiver(b));
    s.on('error', () => undefined);
    s.on('close', () => {
      if (sock === s) sock = undefined;
      if (!closed) timer = setTimeout(connect, retryMs);
    });
    sock = s;
  };
  connect();
  return {
    send(bytes) {
      if (sock && !sock.connecting) sock.write(bytes);
    },
    onData(fn) {
      receiver = fn;
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      sock?.destroy();
    },
  };
}

/** Two endpoints joined in memory (asynchronously, like a wire): what one sends, the other receives. */
export function memoryPipe(): [ByteEndpoint, ByteEndpoint] {
  const receivers: Array<(b: Buffer) => void> = [() => undefined, () => undefined];
  let open = true;
  const end = (me: 0 | 1): ByteEndpoint => ({
    send(bytes) {
      if (!open) return;
      const copy = Buffer.from(bytes);
      setImmediate(() => open && receivers[1 - me]!(copy));
    },
    onData(fn) {
      receivers[me] = fn;
    },
    async close() {
      open = false;
    },
  });
  return [end(0), end(1)];
}

/** Parses an autopilot endpoint spec: `sim`, `tcp:host:port` or `udp:port`. */
export function parseEndpointSpec(spec: string): { kind: 'sim' } | { kind: 'tcp'; host: string; port: number } | { kind: 'udp'; port: number } | null {
  if (spec === 'sim') return { kind: 'sim' };
  const tcp = /^tcp:([^:]+):(\d{1,5})$/.exec(spec);
  if (tcp) return { kind: 'tcp', host: tcp[1]!, port: Number(tcp[2]) };
  const udp = /^udp:(\d{1,5})$/.exec(spec);
  if (udp) return { kind: 'udp', port: Number(udp[1]) };
  return null;
}
