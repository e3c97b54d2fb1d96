/** Helpers of tests that fly: a dock agent with its simulated drone on a test system, and a state poller. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { silentLogger } from '../../common/logger.ts';
import { AerialScene } from '../../edge/world/aerial/aerial-scene.ts';
import { DockAgent, type DockAgentOptions } from '../../edge/dock/dock-agent.ts';
import { SimulatedWeatherStation } from '../../edge/dock/weather-station.ts';
import type { TestSystem } from './system.ts';

/** Polls `fn` every 200 ms until it returns something truthy; throws after `timeoutMs` (default 2 min: CI runs loaded). */
export async function until<T>(what: string, fn: () => Promise<T | undefined | false | null> | T | undefined | false | null, timeoutMs = 120_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** What a flying test needs of its centre: the seeded docks and where the broker and the hub listen. */
export type SimDockHost = { centre: Pick<TestSystem['centre'], 'seedResult'>; mqttUrl: string; httpUrl: string };

/** The camera of a simulated dock: `true` for the defaults, or a scene and image size of the test's own. */
export type SimDockCamera = boolean | { scene?: AerialScene; widthPx?: number; heightPx?: number };

/**
 * Starts the seeded dock `sn` of `system` with a simulated drone over MQTT, fair weather, fast lid
 * and reports; with `camera`, the drone's simulated camera renders small images of the district
 * (default seed 11, 400×300) at each trigger and uploads them to the hub.
 */
export async function startSimDock(system: SimDockHost, sn: string, sim: DockAgentOptions['sim'], opts: { camera?: SimDockCamera; weather?: SimulatedWeatherStation } = {}): Promise<DockAgent> {
  const cam = opts.camera === true ? {} : opts.camera || undefined;
  const cred = system.centre.seedResult.docks!.find((d) => d.sn === sn);
  if (!cred) throw new Error(`no seeded dock ${sn}`);
  const agent = new DockAgent({
    sn: cred.sn,
    secret: cred.secret,
    brokerUrl: system.mqttUrl,
    lat: cred.lat,
    lon: cred.lon,
    altAmslM: cred.altAmslM,
    droneSysId: cred.droneSysId,
    autopilot: 'sim',
    groundStation: { kind: 'mqtt', flushMs: 20 },
    weather: opts.weather ?? new SimulatedWeatherStation({ windMps: 3, windFromDeg: 90, rainMmPerH: 0, temperatureC: 25 }),
    lidOpenMs: 200,
    osdIntervalMs: 500,
    hmsIntervalMs: 1000,
    sim,
    ...(cam
      ? { camera: { hubUrl: system.httpUrl, spoolDir: fs.mkdtempSync(path.join(os.tmpdir(), `yzg-spool-${sn}-`)), scene: cam.scene ?? new AerialScene({ seed: 11 }), widthPx: cam.widthPx ?? 400, heightPx: cam.heightPx ?? 300, retryBaseMs: 100, retryMaxMs: 1000 } }
      : {}),
    log: silentLogger(),
  });
  await agent.start();
  return agent;
}
