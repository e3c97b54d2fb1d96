/**
 * The planner's flight-time estimate against a real flight: a coverage mission planned for the
 * 市桥 dock is uploaded (mission and keep-out/keep-in fence) by the real ground station over
 * loopback UDP to the simulated ArduPilot, flown from take-off to landing, and the simulated
 * seconds it took are compared with the estimate. Physics runs 40× faster than the wall clock
 * ("mock only time"); the time measured is the simulator's physics time, not the wall clock.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../common/logger.ts';
import { GroundStation } from '../ground-station/core/ground-station.ts';
import { udpServerLink } from '../ground-station/link/udp-server.link.ts';
import { VehicleAction } from '../ground-station/action/vehicle-action.ts';
import { uploadItems } from '../ground-station/mission/mission.protocol.ts';
import { SimAutopilot } from '../edge/dock/sim-autopilot/sim-autopilot.ts';
import { udpEndpoint, type ByteEndpoint } from '../edge/dock/mavlink/byte-endpoint.ts';
import { distanceM } from '../edge/dock/sim-autopilot/geo.ts';
import { parseAirspace } from '../hub/planning/airspace.ts';
import { planTask } from '../hub/planning/plan.ts';
import { airspaceFenceItems, sortieMissionItems } from '../hub/planning/mission-items.ts';
import type { DockCandidate } from '../hub/planning/dock-choice.ts';

const log = silentLogger();
const airspace = parseAirspace(JSON.parse(fs.readFileSync(new URL('../data/airspace.json', import.meta.url), 'utf8')));
const seeds = (JSON.parse(fs.readFileSync(new URL('../data/docks.json', import.meta.url), 'utf8')) as { docks: Array<DockCandidate & { altAmslM: number }> }).docks;
const docks: DockCandidate[] = seeds.map((d) => ({ ...d, online: true, state: 'idle', queueLength: 0 }));
const dock = seeds.find((d) => d.sn === 'DK-SQ-01')!;
const TIME_SCALE = 40;

let gcs: GroundStation;
let sim: SimAutopilot;
let ep: ByteEndpoint;

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
  gcs = new GroundStation({ log });
  gcs.addLink(udp);
  ep = await udpEndpoint({ remote: { host: '127.0.0.1', port: udp.port } });
  sim = new SimAutopilot({ sysId: 1, home: { lat: dock.lat, lon: dock.lon, altAmslM: dock.altAmslM }, endpoint: ep, log, timeScale: TIME_SCALE, ekfReadyAfterS: 2 }).start();
});

afterAll(async () => {
  sim?.stop();
  await ep?.close();
  await gcs?.close();
});

describe('planner flight-time estimate against the simulated flight', () => {
  it('flies a planned coverage mission within 15 % of the estimated time, every photo taken, no failsafe', async () => {
    // A 350 m × 250 m block north-east of the 市桥 dock, 50 m high.
    const plan = planTask(
      {
        taskId: 'flight-time',
        geometry: { kind: 'polygon', coordinates: [[113.3700, 22.9500], [113.3734, 22.9500], [113.3734, 22.9523], [113.3700, 22.9523], [113.3700, 22.9500]] },
        altitudeM: 50,
        overlap: { frontPct: 60, sidePct: 50 },
      },
      { docks, airspace },
    );
    expect(plan.dockSn).toBe('DK-SQ-01');
    expect(plan.sorties).toHaveLength(1);
    const sortie = plan.sorties[0]!;
    expect(sortie.photoCount).toBeGreaterThan(20);

    await gcs.waitForVehicle(1, 5000);
    expect((await uploadItems(gcs, 1, 'fence', airspaceFenceItems(airspace))).outcome).toBe('accepted');
    expect((await uploadItems(gcs, 1, 'mission', sortieMissionItems(sortie))).outcome).toBe('accepted');
    await until('estimator ready', () => sim.snapshot().simTimeS > 3);
    const act = new VehicleAction(gcs, 1);
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
    const flownS = end.simTimeS - startS;
    const errorPct = (100 * Math.abs(sortie.estDurationS - flownS)) / flownS;
    console.info(`planner estimate ${sortie.estDurationS.toFixed(0)} s, flown ${flownS.toFixed(0)} s (${errorPct.toFixed(1)} % off); battery est ${sortie.estBatteryPct.toFixed(1)} %, used ${(100 - end.batteryPct).toFixed(1)} %; ${end.cameraCaptures} photos`);
    expect(errorPct).toBeLessThan(15);
    expect(Math.abs(sortie.estBatteryPct - (100 - end.batteryPct))).toBeLessThan(0.15 * (100 - end.batteryPct));
    expect(end.cameraCaptures).toBe(sortie.photoCount);
    expect(end.failsafes).toEqual([]);
    // The planned height, or RTL's 60 m for the moment it climbs before landing; never above 120 m.
    expect(maxAltM).toBeLessThanOrEqual(Math.max(sortie.waypoints[0]!.altRelM, 60) + 1);
    expect(maxAltM).toBeLessThanOrEqual(120);
    expect(distanceM(end, dock)).toBeLessThan(3);
  }, 90_000);
});
