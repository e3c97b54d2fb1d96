/**
 * Mission, fence and rally transfers over real loopback UDP with 10 % of the packets dropped in
 * each direction (a seeded lossy link: the loss is "hardware"), ArduPilot's legacy MISSION_REQUEST
 * and item-0-is-home behaviour, a mission flown with camera triggers, and a fence breach that
 * sends the drone home.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../common/logger.ts';
import type { MissionItem, VehicleAlarm } from '../protocol/vehicle.schema.ts';
import { GroundStation } from '../ground-station/core/ground-station.ts';
import { udpServerLink } from '../ground-station/link/udp-server.link.ts';
import { lossyLink, seededRandom, type LossyLink } from '../ground-station/link/lossy.link.ts';
import { VehicleAction } from '../ground-station/action/vehicle-action.ts';
import { downloadItems, uploadItems } from '../ground-station/mission/mission.protocol.ts';
import { SimAutopilot } from '../edge/dock/sim-autopilot/sim-autopilot.ts';
import { udpEndpoint, type ByteEndpoint } from '../edge/dock/mavlink/byte-endpoint.ts';
import { distanceM, moveNe } from '../edge/dock/sim-autopilot/geo.ts';

/** Loopback round trips take well under a millisecond: resend after 100 ms of silence. */
const FAST = { resendMs: 100 };
const HOME = { lat: 22.945, lon: 113.365, altAmslM: 8.5 };
const log = silentLogger();
let lossy: LossyLink;
let gcs: GroundStation;
let clean: GroundStation;
let lossyPort: number;
let cleanPort: number;
const sims: Array<{ sim: SimAutopilot; ep: ByteEndpoint }> = [];
const alarms: VehicleAlarm[] = [];

async function startSim(port: number, sysId: number, extra: Partial<ConstructorParameters<typeof SimAutopilot>[0]> = {}): Promise<SimAutopilot> {
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

/** A survey of `n` waypoints; every value survives float32 and degE7 exactly. */
function survey(n: number, seed: number): MissionItem[] {
  const rnd = seededRandom(seed);
  return Array.from({ length: n }, (_, i) => ({
    command: i % 10 === 5 ? 203 : 16, // NAV_WAYPOINT, every tenth a DO_DIGICAM_CONTROL
    frame: 3,
    param1: i % 7,
    param2: 2,
    param3: 0,
    param4: 0,
    lat: Math.round((22.9 + rnd() * 0.1) * 1e7) / 1e7,
    lon: Math.round((113.3 + rnd() * 0.1) * 1e7) / 1e7,
    altM: 30 + (i % 90),
    autocontinue: true,
  }));
}

beforeAll(async () => {
  const udp = await udpServerLink({ port: 0 });
  lossyPort = udp.port;
  lossy = lossyLink(udp, { dropIn: 0.1, dropOut: 0.1, seed: 20261122 });
  gcs = new GroundStation({ log });
  gcs.addLink(lossy);
  const udp2 = await udpServerLink({ port: 0 });
  cleanPort = udp2.port;
  clean = new GroundStation({ log });
  clean.addLink(udp2);
  clean.on('alarm', (a) => alarms.push(a));
});

afterAll(async () => {
  for (const { sim, ep } of sims) {
    sim.stop();
    await ep.close();
  }
  await gcs?.close();
  await clean?.close();
});

describe('mission protocol', () => {
  it('uploads and downloads a 200-item mission intact with 10 % loss each way', async () => {
    await startSim(lossyPort, 1);
    await until('vehicle', () => gcs.vehicle(1));
    const items = survey(200, 7);
    const before = { ...lossy.stats };
    const up = await uploadItems(gcs, 1, 'mission', items, FAST);
    expect(up.outcome).toBe('accepted');
    const down = await downloadItems(gcs, 1, 'mission', FAST);
    expect(down.outcome).toBe('accepted');
    expect(down.items).toEqual(items);
    // ArduPilot's item 0 is home, kept apart from the items.
    expect(down.home?.lat).toBeCloseTo(HOME.lat, 6);
    const dropped = lossy.stats.inDropped + lossy.stats.outDropped - before.inDropped - before.outDropped;
    expect(dropped).toBeGreaterThan(40); // the loss really happened
    expect(up.resends + down.resends).toBeGreaterThan(0);
  });

  it('handles the legacy MISSION_REQUEST of older ArduPilot, and fence and rally lists', async () => {
    await startSim(lossyPort, 2, { legacyMissionRequests: true });
    await until('vehicle', () => gcs.vehicle(2));
    const items = survey(50, 11);
    expect((await uploadItems(gcs, 2, 'mission', items, FAST)).outcome).toBe('accepted');
    expect((await downloadItems(gcs, 2, 'mission', FAST)).items).toEqual(items);

    const c = { lat: 22.945, lon: 113.365 };
    const fence: MissionItem[] = [
      { command: 5003, frame: 3, param1: 3000, param2: 0, param3: 0, param4: 0, lat: c.lat, lon: c.lon, altM: 0, autocontinue: false },
      ...[0, 1, 2, 3].map((i) => ({ command: 5002, frame: 3, param1: 4, param2: 0, param3: 0, param4: 0, lat: (229_500_000 + (i >> 1) * 20_000) / 1e7, lon: (1_133_700_000 + (i % 2) * 20_000) / 1e7, altM: 0, autocontinue: false })),
    ];
    const rally: MissionItem[] = [{ command: 5100, frame: 3, param1: 0, param2: 0, param3: 0, param4: 0, lat: 22.946, lon: 113.366, altM: 30, autocontinue: false }];
    expect((await uploadItems(gcs, 2, 'fence', fence, FAST)).outcome).toBe('accepted');
    expect((await uploadItems(gcs, 2, 'rally', rally, FAST)).outcome).toBe('accepted');
    expect((await downloadItems(gcs, 2, 'fence', FAST)).items).toEqual(fence);
    expect((await downloadItems(gcs, 2, 'rally', FAST)).items).toEqual(rally);
    expect((await downloadItems(gcs, 2, 'mission', FAST)).items).toHaveLength(50); // the other lists untouched
  });

  it('flies an uploaded mission with MAV_CMD_MISSION_START and fires the camera at its triggers', async () => {
    const sim = await startSim(cleanPort, 3);
    await until('vehicle', () => clean.vehicle(3));
    const wp = (north: number, east: number, alt: number): MissionItem => ({ command: 16, frame: 3, param1: 0, param2: 0, param3: 0, param4: 0, ...moveNe(HOME, north, east), altM: alt, autocontinue: true });
    const cam: MissionItem = { command: 203, frame: 2, param1: 0, param2: 0, param3: 0, param4: 0, lat: 0, lon: 0, altM: 0, autocontinue: true };
    const mission: MissionItem[] = [
      { command: 22, frame: 3, param1: 0, param2: 0, param3: 0, param4: 0, lat: 0, lon: 0, altM: 40, autocontinue: true },
      wp(300, 0, 40),
      cam,
      wp(300, 300, 50),
      cam,
      { command: 20, frame: 3, param1: 0, param2: 0, param3: 0, param4: 0, lat: 0, lon: 0, altM: 0, autocontinue: true },
    ];
    expect((await uploadItems(clean, 3, 'mission', mission)).outcome).toBe('accepted');
    await new Promise((r) => setTimeout(r, 200));
    const act = new VehicleAction(clean, 3);
    expect((await act.setMode('GUIDED')).outcome).toBe('accepted');
    expect((await act.arm()).outcome).toBe('accepted');
    expect((await act.startMission()).outcome).toBe('accepted');
    await until('mission flown and landed', () => {
      const s = sim.snapshot();
      return s.cameraCaptures === 2 && !s.armed && s.landed;
    }, 40_000);
    expect(distanceM(sim.snapshot(), HOME)).toBeLessThan(3);
  });

  it('returns home on a fence breach and the ground station raises it', async () => {
    const sim = await startSim(cleanPort, 4);
    await until('vehicle', () => clean.vehicle(4));
    const fence: MissionItem[] = [{ command: 5003, frame: 3, param1: 400, param2: 0, param3: 0, param4: 0, lat: HOME.lat, lon: HOME.lon, altM: 0, autocontinue: false }];
    expect((await uploadItems(clean, 4, 'fence', fence)).outcome).toBe('accepted');
    await new Promise((r) => setTimeout(r, 200));
    const act = new VehicleAction(clean, 4);
    expect((await act.setMode('GUIDED')).outcome).toBe('accepted');
    expect((await act.arm()).outcome).toBe('accepted');
    expect((await act.takeoff(30)).outcome).toBe('accepted');
    await until('30 m', () => sim.snapshot().altRelM > 29);
    const out = moveNe(HOME, 800, 0);
    expect((await act.goTo(out.lat, out.lon, 30)).outcome).toBe('accepted');
    await until('fence breach', () => sim.snapshot().failsafes.includes('fence-breach'));
    expect(sim.snapshot().mode).toBe('RTL');
    await until('alarm', () => alarms.find((a) => a.sysId === 4 && a.kind === 'fence-breach'));
    await until('home', () => !sim.snapshot().armed && sim.snapshot().landed, 30_000);
    expect(distanceM(sim.snapshot(), HOME)).toBeLessThan(3);
  });

  it('returns home on low battery', async () => {
    const sim = await startSim(cleanPort, 5);
    await until('vehicle', () => clean.vehicle(5));
    await new Promise((r) => setTimeout(r, 200));
    const act = new VehicleAction(clean, 5);
    expect((await act.setMode('GUIDED')).outcome).toBe('accepted');
    expect((await act.arm()).outcome).toBe('accepted');
    expect((await act.takeoff(30)).outcome).toBe('accepted');
    await until('30 m', () => sim.snapshot().altRelM > 29);
    sim.drainTo(14);
    await until('battery failsafe', () => sim.snapshot().failsafes.includes('battery-low'));
    expect(sim.snapshot().mode).toBe('RTL');
    await until('alarm', () => alarms.find((a) => a.sysId === 5 && a.kind === 'failsafe'));
  });
});
