/**
 * Fuzzed and corrupted MAVLink bytes (fast-check) over real loopback UDP never crash the ground
 * station or the dock's relay: garbage is counted and dropped, never forwarded, and both keep
 * serving the good frames that follow.
 */
import dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { common, minimal } from 'node-mavlink';
import { silentLogger } from '../common/logger.ts';
import { GroundStation } from '../ground-station/core/ground-station.ts';
import { udpServerLink } from '../ground-station/link/udp-server.link.ts';
import { VehicleAction } from '../ground-station/action/vehicle-action.ts';
import { MavlinkEncoder } from '../common/mavlink/mavlink-codec.ts';
import { MavlinkRelay } from '../edge/dock/mavlink/mavlink-relay.ts';
import { memoryPipe, udpEndpoint, type ByteEndpoint } from '../edge/dock/mavlink/byte-endpoint.ts';
import { SimAutopilot } from '../edge/dock/sim-autopilot/sim-autopilot.ts';

const log = silentLogger();
let gcs: GroundStation;
let port: number;
let attacker: dgram.Socket;
let relayGcsSide: ByteEndpoint & { localPort: number };
let relay: MavlinkRelay;
let sim: SimAutopilot;
const closers: Array<() => Promise<unknown> | void> = [];

const enc = new MavlinkEncoder(42, 1);
const validFrames = [
  enc.encode(Object.assign(new minimal.Heartbeat(), { type: 2, autopilot: 3, baseMode: 1, customMode: 4, systemStatus: 3 })),
  enc.encode(Object.assign(new common.GlobalPositionInt(), { lat: 229450000, lon: 1133650000, alt: 10_000, relativeAlt: 0 })),
  enc.encode(Object.assign(new common.CommandLong(), { targetSystem: 1, command: 400, _param1: 1 })),
  enc.encode(Object.assign(new common.MissionCount(), { targetSystem: 1, count: 65535, missionType: 0 })),
  enc.encode(Object.assign(new common.MissionItemInt(), { targetSystem: 1, seq: 65000, command: 16, x: 2147483647, y: -2147483648, z: Number.NaN, missionType: 2 })),
  enc.encode(Object.assign(new common.StatusText(), { severity: 0, text: 'x'.repeat(50) })),
];

/** Bytes a hostile or broken sender might produce: junk, truncated, bit-flipped or spliced frames. */
const hostile = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 400 }),
  fc.tuple(fc.constantFrom(...validFrames), fc.nat(), fc.integer({ min: 1, max: 255 })).map(([f, at, mask]) => {
    const b = Buffer.from(f);
    b[at % b.length]! ^= mask;
    return new Uint8Array(b);
  }),
  fc.tuple(fc.constantFrom(...validFrames), fc.nat()).map(([f, cut]) => new Uint8Array(f.subarray(0, 1 + (cut % (f.length - 1))))),
  fc.tuple(fc.uint8Array({ maxLength: 20 }), fc.constantFrom(...validFrames), fc.uint8Array({ maxLength: 20 })).map(([a, f, b]) => new Uint8Array(Buffer.concat([a, f, b]))),
  fc.constantFrom(...validFrames).map((f) => new Uint8Array(f)),
);

beforeAll(async () => {
  const udp = await udpServerLink({ port: 0 });
  port = udp.port;
  gcs = new GroundStation({ log });
  gcs.addLink(udp);
  closers.push(() => gcs.close());
  attacker = dgram.createSocket('udp4');
  await new Promise<void>((r) => attacker.bind(0, '127.0.0.1', r));
  closers.push(() => new Promise<void>((r) => attacker.close(() => r())));
  // A dock relay between a simulated autopilot (in memory) and the ground station (UDP).
  const [dockSide, simSide] = memoryPipe();
  sim = new SimAutopilot({ sysId: 7, home: { lat: 22.945, lon: 113.365, altAmslM: 10 }, endpoint: simSide, log, timeScale: 25, ekfReadyAfterS: 1 }).start();
  closers.push(() => sim.stop());
  relayGcsSide = await udpEndpoint({ remote: { host: '127.0.0.1', port } });
  closers.push(() => relayGcsSide.close());
  relay = new MavlinkRelay(dockSide, relayGcsSide);
});

afterAll(async () => {
  for (const c of closers.reverse()) await c();
});

const send = (bytes: Uint8Array, toPort: number) => new Promise<void>((r) => attacker.send(bytes, toPort, '127.0.0.1', () => r()));

describe('fuzzed MAVLink', () => {
  it('never crashes the ground station, which keeps flying the real vehicle', async () => {
    await gcs.waitForVehicle(7, 5000);
    await fc.assert(
      fc.asyncProperty(fc.array(hostile, { minLength: 1, maxLength: 20 }), async (datagrams) => {
        for (const d of datagrams) await send(d, port);
      }),
      { numRuns: 100 },
    );
    await new Promise((r) => setTimeout(r, 200));
    const s = gcs.decoderStats();
    expect(s.badCrc + s.malformed + s.unknown).toBeGreaterThan(0);
    // Still serving: the real vehicle answers a command through the relay.
    await new Promise((r) => setTimeout(r, 200));
    const r = await new VehicleAction(gcs, 7).setMode('GUIDED');
    expect(r.outcome).toBe('accepted');
  });

  it('never crashes the dock relay and forwards none of the garbage to the autopilot', async () => {
    const before = { ...relay.stats };
    const relayPort = relayGcsSide.localPort;
    await fc.assert(
      fc.asyncProperty(fc.array(hostile, { minLength: 1, maxLength: 20 }), async (datagrams) => {
        for (const d of datagrams) await send(d, relayPort);
      }),
      { numRuns: 100 },
    );
    await new Promise((r) => setTimeout(r, 100));
    expect(relay.stats.droppedDown).toBeGreaterThan(before.droppedDown);
    // The worst case last: a frame header announcing a long payload, cut short. Read as a stream
    // it would swallow the ground station's next datagrams; each UDP datagram stands alone.
    await send(validFrames[5]!.subarray(0, 12), relayPort);
    // The relay still carries the ground station's commands to the autopilot and back.
    const r = await new VehicleAction(gcs, 7).setMode('LOITER');
    expect(r.outcome).toBe('accepted');
    // COMMAND_ACK names only the command: under load a late ACK of the previous test's resent
    // DO_SET_MODE may answer first while this one is still being resent — the mode follows.
    for (let i = 0; i < 50 && sim.snapshot().mode !== 'LOITER'; i++) await new Promise((res) => setTimeout(res, 100));
    expect(sim.snapshot().mode).toBe('LOITER');
  });
});
