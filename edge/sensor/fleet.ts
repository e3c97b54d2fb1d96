/**
 * SIMULATOR — a fleet of simulated sensors in one process, each a separate MQTT client with its
 * own credentials, exactly as the devices would connect in the field, all reading one simulated
 * district (`edge/world/`) so that a storm crosses them in a believable way.
 */
import fs from 'node:fs';
import type { Logger } from '../../common/logger.ts';
import { World, type WorldSpot } from '../world/world.ts';
import type { ScenarioName } from '../world/rain-field.ts';
import { SensorAgent } from './sensor-agent.ts';
import { simulatorAdapter } from './adapters/simulator.ts';

/** One device's credentials and place in the fleet file written by `yzg seed`. */
export interface FleetDevice extends WorldSpot {
  secret: string;
}

/** Options of the fleet. */
export interface FleetOptions {
  credentialsFile: string;
  brokerUrl: string;
  intervalMs: number;
  stateDir: string;
  /** How many devices of the file to run; -1 all. */
  count: number;
  scenario: ScenarioName;
  seed: number;
  /** Simulated seconds per real second. */
  speed: number;
  log: Logger;
}

/** Starts the fleet; resolves once every agent is connected. */
export async function runFleet(opts: FleetOptions): Promise<{ agents: SensorAgent[]; world: World; stop(): Promise<void> }> {
  const all = JSON.parse(fs.readFileSync(opts.credentialsFile, 'utf8')) as FleetDevice[];
  const devices = opts.count < 0 ? all : all.slice(0, opts.count);
  const world = new World({ scenario: opts.scenario, seed: opts.seed, startMs: Date.now(), speed: opts.speed }, devices);
  const agents = devices.map(
    (d) =>
      new SensorAgent({
        sn: d.sn,
        secret: d.secret,
        brokerUrl: opts.brokerUrl,
        intervalMs: opts.intervalMs,
        stateDir: opts.stateDir,
        adapter: simulatorAdapter(d.sn, world),
        log: opts.log,
      }),
  );
  await Promise.all(agents.map((a) => a.start()));
  opts.log.info({ sensors: agents.length, brokerUrl: opts.brokerUrl, scenario: opts.scenario, seed: opts.seed, speed: opts.speed }, 'simulated sensor fleet running');
  return {
    agents,
    world,
    stop: async () => {
      await Promise.all(agents.map((a) => a.stop()));
    },
  };
}
