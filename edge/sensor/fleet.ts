/**
 * SIMULATOR — a fleet of simulated sensors in one process, each a separate MQTT client with its
 * own credentials, exactly as the devices would connect in the field.
 */
import fs from 'node:fs';
import type { Logger } from '../../common/logger.ts';
import { SensorAgent } from './sensor-agent.ts';
import { simulatedSource } from './sim-source.ts';

/** One device's credentials in the fleet file written by `yzg seed`. */
export interface FleetDevice {
  sn: string;
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
  log: Logger;
}

/** Starts the fleet; resolves with a stop function once every agent is connected. */
export async function runFleet(opts: FleetOptions): Promise<{ agents: SensorAgent[]; stop(): Promise<void> }> {
  const all = JSON.parse(fs.readFileSync(opts.credentialsFile, 'utf8')) as FleetDevice[];
  const devices = opts.count < 0 ? all : all.slice(0, opts.count);
  const agents = devices.map(
    (d) =>
      new SensorAgent({
        sn: d.sn,
        secret: d.secret,
        brokerUrl: opts.brokerUrl,
        intervalMs: opts.intervalMs,
        stateDir: opts.stateDir,
        source: simulatedSource(d.sn),
        log: opts.log,
      }),
  );
  await Promise.all(agents.map((a) => a.start()));
  opts.log.info({ sensors: agents.length, brokerUrl: opts.brokerUrl }, 'simulated sensor fleet running');
  return {
    agents,
    stop: async () => {
      await Promise.all(agents.map((a) => a.stop()));
    },
  };
}
