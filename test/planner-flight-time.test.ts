/**
 * The planner's flight-time estimate against real flights: a coverage mission planned for the
 * 市桥 dock, one flown through with distance triggering for the 东环 dock, and a route the planner
 * reroutes around 广州南站 for the 钟村 dock (by photo waypoints, and flown through) are uploaded
 * (mission and keep-out/keep-in fence) by the real ground station over loopback UDP to simulated
 * ArduPilots, flown at the same time from take-off to landing, and the simulated seconds each took
 * are compared with the estimate. Physics runs 40× faster than the wall clock ("mock only time");
 * the time measured is the simulator's physics time, not the wall clock.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../common/logger.ts';
import { GroundStation } from '../ground-station/core/ground-station.ts';
import { udpServerLink } from '../ground-station/link/udp-server.link.ts';
import { VehicleAction } from '../ground-station/action/vehicle-action.ts';
import { uploadItems } from '../ground-station/mission/mission.protocol.ts';
import { SimAutopilot, type SimSnapshot } from '../edge/dock/sim-autopilot/sim-autopilot.ts';
import { udpEndpoint, type ByteEndpoint } from '../edge/dock/mavlink/byte-endpoint.ts';
import { distanceM } from '../edge/dock/sim-autopilot/geo.ts';
import { parseAirspace } from '../hub/planning/airspace.ts';
import { planTask } from '../hub/planning/plan.ts';
import { airspaceFenceItems, sortieMissionItems } from '../hub/planning/mission-items.ts';
import type { DockCandidate } from '../hub/planning/dock-choice.ts';
import type { FlightPlan, PlanSortie } from '../protocol/plan.schema.ts';

const log = silentLogger();
const airspace = parseAirspace(JSON.parse(fs.readFileSync(new URL('../data/airspace.json', import.meta.url), 'utf8')));
const seeds = (JSON.parse(fs.readFileSync(new URL('../data/docks.json', import.meta.url), 'utf8')) as { docks: Array<DockCandidate & { altAmslM: number }> }).docks;
const docks: DockCandidate[] = seeds.map((d) => ({ ...d, online: true, state: 'idle', queueLength: 0 }));
const TIME_SCALE = 40;

let gcs: GroundStation;
let port: number;
const sims: Array<{ sim: SimAutopilot; ep: ByteEndpoint }> = [];

async function until<T>(what: string, fn: () => T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

beforeAll(async () => {
  const udp = await udpServerLink({ port: 0 });
  port = udp.port;
  gcs = new GroundStation({ log });
  gcs.addLink(udp);
});

afterAll(async () => {
  for (const { sim, ep } of sims) {
    sim.stop();
    await ep.close();
  }
  await gcs?.close();
});

/** The simulated drone of dock `sn`, started at the dock. */
async function droneOf(sn: string, sysId: number): Promise<SimAutopilot> {
  const dock = seeds.find((d) => d.sn === sn)!;
  const ep = await udpEndpoint({ remote: { host: '127.0.0.1', port } });
  const sim = new SimAutopilot({ sysId, home: { lat: dock.lat, lon: dock.lon, altAmslM: dock.altAmslM }, endpoint: ep, log, timeScale: TIME_SCALE, ekfReadyAfterS: 2 }).start();
  sims.push({ sim, ep });
  return sim;
}

/** Uploads fence and mission, flies the sortie to landing; the simulated seconds and the end state. */
async function fly(sim: SimAutopilot, sysId: number, sortie: PlanSortie): Promise<{ flownS: number; end: SimSnapshot; maxAltM: number }> {
  await gcs.waitForVehicle(sysId, 5000);
  expect((await uploadItems(gcs, sysId, 'fence', airspaceFenceItems(airspace))).outcome).toBe('accepted');
  expect((await uploadItems(gcs, sysId, 'mission', sortieMissionItems(sortie))).outcome).toBe('accepted');
  await until('estimator ready', () => sim.snapshot().simTimeS > 3);
  const act = new VehicleAction(gcs, sysId);
  expect((await act.setMode('GUIDED')).outcome).toBe('accepted');
  expect((await act.arm()).outcome).toBe('accepted');
  const startS = sim.snapshot().simTimeS;
  expect((await act.startMission()).outcome).toBe('accepted');
  let maxAltM = 0;
  await until('up', () => sim.snapshot().altRelM > 1, 10_000);
  const end = await until(
    'mission flown and landed',
    () => {
      const s = sim.snapshot();
      maxAltM = Math.max(maxAltM, s.altRelM);
      return !s.armed && s.landed ? s : undefined;
    },
    60_000,
  );
  return { flownS: end.simTimeS - startS, end, maxAltM };
}

/** Checks a flight against its plan: time within 15 %, battery, photos, no failsafe, height, back at the dock. */
function checkFlight(name: string, plan: FlightPlan, sortie: PlanSortie, { flownS, end, maxAltM }: { flownS: number; end: SimSnapshot; maxAltM: number }): void {
  const errorPct = (100 * Math.abs(sortie.estDurationS - flownS)) / flownS;
  console.info(`${name}: planner estimate ${sortie.estDurationS.toFixed(0)} s, flown ${flownS.toFixed(0)} s (${errorPct.toFixed(1)} % off); battery est ${sortie.estBatteryPct.toFixed(1)} %, used ${(100 - end.batteryPct).toFixed(1)} %; ${end.cameraCaptures} photos`);
  expect(errorPct).toBeLessThan(15);
  expect(Math.abs(sortie.estBatteryPct - (100 - end.batteryPct))).toBeLessThan(0.15 * (100 - end.batteryPct));
  expect(end.batteryPct).toBeGreaterThanOrEqual(25);
  expect(end.cameraCaptures).toBe(sortie.photoCount);
  expect(end.failsafes).toEqual([]); // no fence breach, no battery failsafe
  // The planned height, or RTL's 60 m for the moment it climbs before landing; never above 120 m.
  expect(maxAltM).toBeLessThanOrEqual(Math.max(sortie.waypoints[0]!.altRelM, 60) + 1);
  expect(maxAltM).toBeLessThanOrEqual(120);
  expect(distanceM(end, plan.home)).toBeLessThan(3);
}

describe('planner flight-time estimate against the simulated flight', () => {
  it('flies coverage missions (photo waypoints; distance triggering) and a route rerouted around 广州南站 within 15 % of the estimates, every photo taken, no failsafe', async () => {
    // A 350 m × 250 m block north-east of the 市桥 dock, 50 m high.
    const area = planTask(
      {
        taskId: 'area',
        geometry: { kind: 'polygon', coordinates: [[113.37, 22.95], [113.3734, 22.95], [113.3734, 22.9523], [113.37, 22.9523], [113.37, 22.95]] },
        altitudeM: 50,
        overlap: { frontPct: 60, sidePct: 50 },
      },
      { docks, airspace },
    );
    expect(area.dockSn).toBe('DK-SQ-01');
    expect(area.sorties).toHaveLength(1);
    expect(area.sorties[0]!.photoCount).toBeGreaterThan(20);
    // A 3 km route straight through the railway hub, photos every 150 m: flown around it.
    const route = planTask({ taskId: 'route', geometry: { kind: 'route', coordinates: [[113.255, 22.9886], [113.285, 22.9886]] }, altitudeM: 80, photoEveryM: 150 }, { docks, airspace });
    expect(route.dockSn).toBe('DK-ZC-01');
    expect(route.sorties).toHaveLength(1);
    expect(route.warnings.join()).toContain('广州南站');
    expect(route.sorties[0]!.waypoints.some((w) => w.kind === 'transit')).toBe(true);

    // The same kind of block for the 东环 dock, its lines flown through with distance triggering.
    const through = planTask(
      {
        taskId: 'through',
        geometry: { kind: 'polygon', coordinates: [[113.395, 22.94], [113.4, 22.94], [113.4, 22.9435], [113.395, 22.9435]] },
        altitudeM: 60,
        overlap: { frontPct: 60, sidePct: 50 },
      },
      { docks, airspace, cameraTrigger: 'distance' },
    );
    expect(through.dockSn).toBe('DK-DH-01');
    expect(through.sorties[0]!.waypoints.some((w) => (w.triggerDistanceM ?? 0) > 0)).toBe(true);

    // The same route flown through with distance triggering, by a second drone of the 钟村 dock.
    const routeThrough = planTask({ taskId: 'route-through', geometry: { kind: 'route', coordinates: [[113.255, 22.9886], [113.285, 22.9886]] }, altitudeM: 80, photoEveryM: 150 }, { docks, airspace, cameraTrigger: 'distance' });
    expect(routeThrough.sorties[0]!.estDurationS).toBeLessThan(route.sorties[0]!.estDurationS);

    const [a, r, t, rt] = await Promise.all([
      droneOf('DK-SQ-01', 1).then((sim) => fly(sim, 1, area.sorties[0]!)),
      droneOf('DK-ZC-01', 2).then((sim) => fly(sim, 2, route.sorties[0]!)),
      droneOf('DK-DH-01', 3).then((sim) => fly(sim, 3, through.sorties[0]!)),
      droneOf('DK-ZC-01', 4).then((sim) => fly(sim, 4, routeThrough.sorties[0]!)),
    ]);
    checkFlight('area', area, area.sorties[0]!, a);
    checkFlight('route', route, route.sorties[0]!, r);
    checkFlight('area, distance-triggered', through, through.sorties[0]!, t);
    checkFlight('route, distance-triggered', routeThrough, routeThrough.sorties[0]!, rt);
  }, 120_000);
});
