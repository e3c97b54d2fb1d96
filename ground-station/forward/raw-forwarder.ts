/**
 * Forwards the raw MAVLink stream to an external ground station (QGroundControl, Mission Planner)
 * for operators who use one: every frame from the vehicles goes to its UDP address unchanged, and
 * what it sends back is routed to the vehicle it targets (to every vehicle when untargeted). Only
 * whole frames with a good CRC cross; the external GCS uses its own system id (QGC: 255, MP: 255,
 * so give ours another, e.g. 254, when both run).
 */
import dgram from 'node:dgram';
import type { GroundStation } from '../core/ground-station.ts';
import { MavlinkDecoder } from '../../common/mavlink/mavlink-codec.ts';

/** A running forwarder. */
export interface RawForwarder {
  /** Local port the external GCS's replies arrive on. */
  readonly localPort: number;
  readonly stats: { toExternal: number; fromExternal: number; dropped: number };
  close(): Promise<void>;
}

/** Starts forwarding between `gcs`'s vehicles and an external GCS at `host:port`. */
export async function startRawForwarder(gcs: GroundStation, target: { host: string; port: number }): Promise<RawForwarder> {
  const sock = dgram.createSocket('udp4');
  const stats = { toExternal: 0, fromExternal: 0, dropped: 0 };
  await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', resolve));
  sock.on('error', () => undefined);
  // Vehicle → external: the frames as they came, one datagram per received chunk.
  const onRaw = (_link: unknown, _peer: string, bytes: Buffer) => {
    stats.toExternal += 1;
    sock.send(bytes, target.port, target.host);
  };
  gcs.on('raw', onRaw);
  // External → vehicle: decode to find the target, forward the original frame.
  const dec = new MavlinkDecoder((m) => {
    const t = (m.data as { targetSystem?: number }).targetSystem;
    stats.fromExternal += 1;
    if (t) gcs.sendRaw(t, m.frame);
    else for (const v of gcs.vehicles()) gcs.sendRaw(v.sysId, m.frame);
  }, 'datagram');
  sock.on('message', (b) => {
    const before = dec.stats.badCrc + dec.stats.malformed + dec.stats.unknown;
    dec.push(b);
    stats.dropped += dec.stats.badCrc + dec.stats.malformed + dec.stats.unknown - before;
  });
  return {
    localPort: sock.address().port,
    stats,
    async close() {
      gcs.off('raw', onRaw);
      await new Promise<void>((resolve) => sock.close(() => resolve()));
    },
  };
}
