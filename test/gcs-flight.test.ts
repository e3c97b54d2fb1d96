/**
 * Ground station ⇄ simulated ArduPilot Copter over real loopback UDP: arming refused until the
 * estimator is ready (with the reason), a full flight (arm, take off to 60 m, go to a point 2 km
 * away, return and land), a command nobody answers ending as `timeout` after its resends, and a
 * lost link raising an alarm within 3 s while the drone returns on its own. Physics runs 25×
 * faster than the wall clock ("mock only time"); the link runs in real time.
 */
import dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { common, minimal } from 'node-mavlink';
import { silentLogger } from '../common/logger.ts';
import type { VehicleAlarm, VehicleTelemetry } from '../protocol/vehicle.schema.ts';
import { GroundStation } from '../ground-station/core/ground-station.ts';
import { udpServerLink } from '../ground-station/link/udp-server.link.ts';
import { lossyLink, type LossyLink } from '../ground-station/link/lossy.link.ts';
import { VehicleAction } from '../ground-station/action/vehicle-action.ts';
import { MavlinkDecoder, MavlinkEncoder } from '../common/mavlink/mavlink-codec.ts';
import { SimAutopilot } from '../edge/dock/sim-autopilot/sim-autopilot.ts';
import { udpEndpoint, type ByteEndpoint } from '../edge/dock/mavlink/byte-endpoint.ts';
import { distanceM, moveNe } from '../edge/dock/sim-autopilot/geo.ts';

const HOME = { lat: 22.945, lon: 113.365, altAmslM: 8.5 };
const log = silentLogger();

let gcs: GroundStation;
let link: LossyLink;
let port: number;
const sims: Array<{ sim: SimAutopilot; ep: ByteEndpoint }> = [];
const alarms: VehicleAlarm[] = [];

async function startSim(sysId: number, extra: Partial<ConstructorParameters<typeof SimAutopilot>[0]> = {}): Promise<SimAutopilot> {
  const ep = await udpEndpoint({ remote: { host: '127.0.0.1', port } });
  const sim = new SimAutopilot({ sysId, home: HOME, endpoint: ep, log, timeScale: 25, ekfReadyAfterS: 2, ...extra }).start();
  sims.push({ sim, ep });
  return sim;
}

async function until<T>(what: string, fn: () => T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The simulator's estimator is ready 2 sim-seconds after boot (80 ms at 25×). */
const estimatorReady = () => new Promise((r) => setTimeout(r, 200));

function latest(sysId: number): VehicleTelemetry | undefined {
  const v = gcs.vehicle(sysId);
  return v?.telemetry.hasPosition ? v.telemetry.snapshot() : undefined;
}

beforeAll(async () => {
  const udp = await udpServerLink({ port: 0 });
  port = udp.port;
  link = lossyLink(udp, { dropIn: 0, dropOut: 0, seed: 1 });
  gcs = new GroundStation({ log });
  gcs.addLink(link);
  gcs.on('alarm', (a) => alarms.push(a));
});

afterAll(async () => {
  for (const { sim, ep } of sims) {
    sim.stop();
    await ep.close();
  }
  await gcs?.close();
});

describe('ground station with the simulated autopilot over UDP', () => {
  it('discovers the vehicle and gets its telemetry streams only after asking (ArduPilot sends none unasked)', async () => {
    await startSim(1);
    const v = await gcs.waitForVehicle(1, 5000);
    expect(v?.autopilot).toBe(3);
    const t = await until('position', () => latest(1), 5000);
    expect(t.lat).toBeCloseTo(HOME.lat, 6);
    expect(t.mode).toBe('STABILIZE');
    expect(t.armed).toBe(false);
    expect(t.batteryPct).toBe(100);
  });

  it('refuses to arm before the estimator is ready and says why', async () => {
    await startSim(2, { ekfReadyAfterS: 1e9 });
    await gcs.waitForVehicle(2, 5000);
    const r = await new VehicleAction(gcs, 2).arm();
    expect(r.outcome).toBe('denied');
    expect(r.result).toBe('FAILED');
    expect(r.reason).toMatch(/PreArm: EKF/);
  });

  it('arms, takes off to 60 m, flies to a point 2 km away, returns and lands', async () => {
    const sim = sims[0]!.sim;
    const act = new VehicleAction(gcs, 1);
    await estimatorReady();
    expect((await act.setMode('GUIDED')).outcome).toBe('accepted');
    expect((await act.arm()).outcome).toBe('accepted');
    expect((await act.takeoff(60)).outcome).toBe('accepted');
    await until('60 m', () => (latest(1)?.altRelM ?? 0) >= 59.5);

    const target = moveNe(HOME, 1200, 1600); // 2 km north-east
    expect(distanceM(HOME, target)).toBeCloseTo(2000, -1);
    const go = await act.goTo(target.lat, target.lon, 60);
    expect(go.outcome).toBe('accepted');
    const track: VehicleTelemetry[] = [];
    const onT = (t: VehicleTelemetry) => t.sysId === 1 && track.push(t);
    gcs.on('telemetry', onT);
    await until('arrival', () => {
      const t = latest(1);
      return t && distanceM(t, target) < 5;
    }, 30_000);
    const atTarget = latest(1)!;
    expect(atTarget.altRelM).toBeGreaterThan(58);
    expect(atTarget.mode).toBe('GUIDED');

    expect((await act.returnToLaunch()).outcome).toBe('accepted');
    await until('landed and disarmed', () => {
      const t = latest(1);
      return t && !t.armed && t.altRelM < 0.1 && distanceM(t, HOME) < 3;
    }, 40_000);
    gcs.off('telemetry', onT);
    const end = latest(1)!;
    expect(end.batteryPct).toBeLessThan(100);
    expect(end.home?.lat).toBeCloseTo(HOME.lat, 6);
    // The trace goes out and comes back, at cruise speed, at most 120 m high.
    const far = Math.max(...track.map((t) => distanceM(t, HOME)));
    expect(far).toBeGreaterThan(1990);
    expect(Math.max(...track.map((t) => t.groundSpeedMps))).toBeLessThan(17);
    expect(Math.max(...track.map((t) => t.altRelM))).toBeLessThanOrEqual(61);
    expect(sim.snapshot().failsafes).toEqual([]);
  });

  it('ends a command nobody answers as timeout after its resends', async () => {
    // A "vehicle" that only sends heartbeats: it never answers a command.
    const sock = dgram.createSocket('udp4');
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
    const enc = new MavlinkEncoder(9, 1);
    const seen: number[] = [];
    const dec = new MavlinkDecoder((m) => {
      if (m.data instanceof common.CommandLong && m.data.command === 400) seen.push(m.data.confirmation);
    });
    sock.on('message', (b) => dec.push(b));
    const hb = () => sock.send(enc.encode(Object.assign(new minimal.Heartbeat(), { type: 2, autopilot: 3, baseMode: 1, customMode: 0, systemStatus: 3 })), port, '127.0.0.1');
    hb();
    const timer = setInterval(hb, 500);
    try {
      await gcs.waitForVehicle(9, 3000);
      const r = await new VehicleAction(gcs, 9, { timeoutMs: 300, retries: 3 }).arm();
      expect(r).toMatchObject({ outcome: 'timeout', attempts: 4 });
      expect(r.elapsedMs).toBeGreaterThanOrEqual(1200);
      expect(seen).toEqual([0, 1, 2, 3]); // COMMAND_LONG.confirmation counts the resends
    } finally {
      clearInterval(timer);
      sock.close();
    }
  });

  it('answers no-vehicle for a system it has never heard', async () => {
    const r = await new VehicleAction(gcs, 77).land();
    expect(r).toMatchObject({ outcome: 'no-vehicle', attempts: 0 });
  });

  it('raises a link-lost alarm within 3 s and the drone returns on its own', async () => {
    const sim = await startSim(3, { gcsTimeoutMs: 2000 });
    await gcs.waitForVehicle(3, 5000);
    const act = new VehicleAction(gcs, 3);
    await estimatorReady();
    expect((await act.setMode('GUIDED')).outcome).toBe('accepted');
    expect((await act.arm()).outcome).toBe('accepted');
    expect((await act.takeoff(40)).outcome).toBe('accepted');
    await until('40 m', () => (latest(3)?.altRelM ?? 0) > 39);
    const away = moveNe(HOME, 0, 1500);
    expect((await act.goTo(away.lat, away.lon, 40)).outcome).toBe('accepted');
    await until('on the way', () => distanceM(latest(3)!, HOME) > 300);

    const before = alarms.length;
    const cutAt = Date.now();
    link.cut();
    const alarm = await until('link-lost alarm', () => alarms.slice(before).find((a) => a.sysId === 3 && a.kind === 'link-lost'), 5000);
    const alarmAfterMs = Date.parse(alarm.ts) - cutAt;
    expect(alarmAfterMs).toBeLessThan(3000);
    expect(alarm.level).toBe('critical');
    // The simulated drone notices the silent ground station and returns.
    await until('GCS failsafe', () => sim.snapshot().failsafes.includes('gcs-lost'), 5000);
    expect(sim.snapshot().mode).toBe('RTL');
    link.restore();
    await until('link restored', () => alarms.slice(before).some((a) => a.sysId === 3 && a.kind === 'link-restored'), 5000);
    await until('RTL seen by the ground station', () => latest(3)?.mode === 'RTL', 5000);
    await until('home again', () => {
      const t = latest(3);
      return t && !t.armed && t.altRelM < 0.1 && distanceM(t, HOME) < 3;
    }, 30_000);
  });
});
