/**
 * MAVLink 2 signing over real loopback UDP: a ground station and a simulated autopilot sharing a
 * key fly together; an unsigned sender, a sender with another key and a replayed signed frame are
 * all ignored by the vehicle.
 */
import dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { common } from 'node-mavlink';
import { silentLogger } from '../common/logger.ts';
import { GroundStation } from '../ground-station/core/ground-station.ts';
import { udpServerLink } from '../ground-station/link/udp-server.link.ts';
import { VehicleAction } from '../ground-station/action/vehicle-action.ts';
import { MavlinkEncoder } from '../common/mavlink/mavlink-codec.ts';
import { MavlinkSigner, signingKey } from '../common/mavlink/mavlink-signing.ts';
import { SimAutopilot } from '../edge/dock/sim-autopilot/sim-autopilot.ts';
import { udpEndpoint } from '../edge/dock/mavlink/byte-endpoint.ts';

const log = silentLogger();
const KEY = signingKey('禺智管 dock DK-SQ-01 signing passphrase');
let gcs: GroundStation;
let sim: SimAutopilot;
let simPort: number;
let attacker: dgram.Socket;
const cleanups: Array<() => unknown> = [];

beforeAll(async () => {
  const udp = await udpServerLink({ port: 0 });
  gcs = new GroundStation({ log, signingKey: KEY });
  gcs.addLink(udp);
  const ep = await udpEndpoint({ remote: { host: '127.0.0.1', port: udp.port } });
  simPort = ep.localPort;
  sim = new SimAutopilot({ sysId: 21, home: { lat: 22.945, lon: 113.365, altAmslM: 10 }, endpoint: ep, log, timeScale: 25, ekfReadyAfterS: 1, signingKey: KEY }).start();
  attacker = dgram.createSocket('udp4');
  await new Promise<void>((r) => attacker.bind(0, '127.0.0.1', r));
  cleanups.push(() => sim.stop(), () => ep.close(), () => gcs.close(), () => new Promise<void>((r) => attacker.close(() => r())));
});
afterAll(async () => {
  for (const c of cleanups) await c();
});

const landCommand = () => Object.assign(new common.CommandLong(), { targetSystem: 21, targetComponent: 1, command: 176, _param1: 1, _param2: 9 });
const send = (b: Buffer) => new Promise<void>((r) => attacker.send(b, simPort, '127.0.0.1', () => r()));

describe('MAVLink 2 signing', () => {
  it('flies with a shared key', async () => {
    expect(await gcs.waitForVehicle(21, 5000)).toBeTruthy();
    await new Promise((r) => setTimeout(r, 100));
    const act = new VehicleAction(gcs, 21);
    expect((await act.setMode('GUIDED')).outcome).toBe('accepted');
    expect((await act.arm()).outcome).toBe('accepted');
    expect(gcs.badSignatures).toBe(0);
  });

  it('ignores unsigned frames, frames signed with another key, and replays', async () => {
    const before = sim.badSignatures;
    await send(new MavlinkEncoder(250, 190).encode(landCommand()));
    await send(new MavlinkEncoder(250, 190, new MavlinkSigner(signingKey('guess'))).encode(landCommand()));
    // A genuinely signed frame is accepted once; the same bytes again are a replay.
    const genuine = new MavlinkEncoder(251, 190, new MavlinkSigner(KEY)).encode(Object.assign(new common.CommandLong(), { targetSystem: 21, targetComponent: 1, command: 176, _param1: 1, _param2: 5 }));
    await send(genuine);
    await new Promise((r) => setTimeout(r, 100));
    expect(sim.snapshot().mode).toBe('LOITER');
    expect((await new VehicleAction(gcs, 21).setMode('GUIDED')).outcome).toBe('accepted');
    await send(genuine);
    await new Promise((r) => setTimeout(r, 100));
    expect(sim.snapshot().mode).toBe('GUIDED');
    expect(sim.badSignatures - before).toBe(3);
  });

  it('leaves a ground station with another key unable to command the vehicle', async () => {
    const udp = await udpServerLink({ port: 0 });
    const rogue = new GroundStation({ log, signingKey: signingKey('wrong') });
    rogue.addLink(udp);
    cleanups.push(() => rogue.close());
    // It never even accepts the vehicle's heartbeats.
    const ep = await udpEndpoint({ remote: { host: '127.0.0.1', port: udp.port } });
    const other = new SimAutopilot({ sysId: 22, home: { lat: 22.945, lon: 113.365, altAmslM: 10 }, endpoint: ep, log, signingKey: KEY }).start();
    cleanups.push(() => other.stop(), () => ep.close());
    expect(await rogue.waitForVehicle(22, 1500)).toBeUndefined();
    expect(rogue.badSignatures).toBeGreaterThan(0);
  });
});
