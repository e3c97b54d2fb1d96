/**
 * SIMULATOR — a fleet of docks, each with its built-in simulated drone, in one process: every
 * dock is a separate MQTT client with its own credentials and tunnels its drone's MAVLink to the
 * centre's ground station, as docks behind NAT would.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../../common/logger.ts';
import { DockAgent } from './dock-agent.ts';
import { loadAerialScene } from '../world/aerial/aerial-scene.ts';
import { World, type WorldSpot } from '../world/world.ts';
import type { ScenarioName } from '../world/rain-field.ts';

/** One dock's credentials in the file written by `yzg seed`. */
export interface FleetDock {
  sn: string;
  secret: string;
  lat: number;
  lon: number;
  droneSysId: number;
  altAmslM?: number;
}

/** Options of the dock fleet. */
export interface DockFleetOptions {
  credentialsFile: string;
  brokerUrl: string;
  /** How many docks of the file to run; -1 all. */
  count: number;
  /** Physics speed-up of the simulated drones (1 = real time). */
  timeScale?: number;
  log: Logger;
  /**
   * The drones' cameras: hub URL for uploads, spool folder (one sub-folder per dock), the data
   * folder with waterways and rain spots, and the weather (same scenario, seed and speed as the
   * sensor fleet, so the water the camera sees is the water the sensors measure).
   */
  camera?: { hubUrl: string; spoolDir: string; dataDir: string; sceneSeed: number; weather: { scenario: ScenarioName; seed: number; speed: number } };
}

/** Starts the fleet; resolves once every dock is connected. */
export async function runDockFleet(opts: DockFleetOptions): Promise<{ agents: DockAgent[]; stop(): Promise<void> }> {
  const all = JSON.parse(fs.readFileSync(opts.credentialsFile, 'utf8')) as FleetDock[];
  const docks = opts.count < 0 ? all : all.slice(0, opts.count);
  const cam = opts.camera;
  let camera: ((sn: string) => NonNullable<ConstructorParameters<typeof DockAgent>[0]['camera']>) | undefined;
  if (cam) {
    const { spots } = JSON.parse(fs.readFileSync(path.join(cam.dataDir, 'rain-spots.json'), 'utf8')) as { spots: WorldSpot[] };
    const world = new World({ ...cam.weather, startMs: Date.now() }, spots);
    const scene = loadAerialScene(cam.dataDir, { seed: cam.sceneSeed, waterDepthMm: (sn, atMs) => world.sample(sn, atMs).depthMm });
    camera = (sn) => ({ hubUrl: cam.hubUrl, spoolDir: path.join(cam.spoolDir, sn), scene });
  }
  const agents = docks.map(
    (d) =>
      new DockAgent({
        sn: d.sn,
        secret: d.secret,
        brokerUrl: opts.brokerUrl,
        lat: d.lat,
        lon: d.lon,
        altAmslM: d.altAmslM,
        droneSysId: d.droneSysId,
        autopilot: 'sim',
        groundStation: { kind: 'mqtt', flushMs: 100 },
        sim: { timeScale: opts.timeScale ?? 1 },
        camera: camera?.(d.sn),
        log: opts.log,
      }),
  );
  await Promise.all(agents.map((a) => a.start()));
  opts.log.info({ docks: agents.length, brokerUrl: opts.brokerUrl }, 'simulated dock fleet running');
  return {
    agents,
    stop: async () => {
      await Promise.all(agents.map((a) => a.stop()));
    },
  };
}
