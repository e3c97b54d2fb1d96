/**
 * SIMULATOR — a fleet of docks, each with its built-in simulated drone, in one process: every
 * dock is a separate MQTT client with its own credentials and tunnels its drone's MAVLink to the
 * centre's ground station, as docks behind NAT would.
 */
import fs from 'node:fs';
import type { Logger } from '../../common/logger.ts';
import { DockAgent } from './dock-agent.ts';

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
}

/** Starts the fleet; resolves once every dock is connected. */
export async function runDockFleet(opts: DockFleetOptions): Promise<{ agents: DockAgent[]; stop(): Promise<void> }> {
  const all = JSON.parse(fs.readFileSync(opts.credentialsFile, 'utf8')) as FleetDock[];
  const docks = opts.count < 0 ? all : all.slice(0, opts.count);
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
