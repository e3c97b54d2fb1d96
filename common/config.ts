/**
 * The one typed configuration loader. Every key is documented here (and in `.env.example` and the
 * README); values are validated once at start and all problems are reported together.
 */
import path from 'node:path';

type Kind = 'string' | 'int' | 'url' | 'level' | 'bool';

interface KeySpec {
  env: string;
  kind: Kind;
  doc: string;
  default?: string;
  min?: number;
  max?: number;
}

/** Every configuration key, its environment variable, meaning and default. */
export const CONFIG_KEYS = {
  dataDir: { env: 'YZG_DATA_DIR', kind: 'string', default: '.data', doc: 'Folder for the embedded database, generated secrets, spools and media.' },
  databaseUrl: { env: 'DATABASE_URL', kind: 'url', doc: 'PostgreSQL 15+/TimescaleDB connection URL. Unset: start the embedded PostgreSQL under YZG_DATA_DIR/pg.' },
  pgPort: { env: 'YZG_PG_PORT', kind: 'int', default: '54329', min: 1, max: 65535, doc: 'Port of the embedded PostgreSQL (loopback only).' },
  httpHost: { env: 'YZG_HTTP_HOST', kind: 'string', default: '127.0.0.1', doc: 'Address the hub (API + cockpit) listens on; 0.0.0.0 to serve a big screen on the LAN.' },
  httpPort: { env: 'YZG_HTTP_PORT', kind: 'int', default: '8080', min: 0, max: 65535, doc: 'Port of the hub (API + cockpit); 0 picks a free port.' },
  mqttHost: { env: 'YZG_MQTT_HOST', kind: 'string', default: '127.0.0.1', doc: 'Address the aedes broker listens on.' },
  mqttPort: { env: 'YZG_MQTT_PORT', kind: 'int', default: '1883', min: 0, max: 65535, doc: 'MQTT over TCP port of the broker.' },
  mqttWsPort: { env: 'YZG_MQTT_WS_PORT', kind: 'int', default: '8083', min: 0, max: 65535, doc: 'MQTT over WebSocket port of the broker.' },
  mqttUrl: { env: 'YZG_MQTT_URL', kind: 'url', doc: 'Broker the hub and simulated devices connect to. Unset: the built-in broker (mqtt://YZG_MQTT_HOST:YZG_MQTT_PORT). Set it to use an external MQTT 3.1.1 broker.' },
  jwtSecret: { env: 'YZG_JWT_SECRET', kind: 'string', doc: 'Secret that signs people\'s tokens (≥ 32 characters). Unset: generated once and kept in YZG_DATA_DIR.' },
  jwtTtlS: { env: 'YZG_JWT_TTL_S', kind: 'int', default: '43200', min: 60, max: 2_592_000, doc: 'Lifetime of a sign-in token, seconds.' },
  servicePassword: { env: 'YZG_SERVICE_PASSWORD', kind: 'string', doc: 'MQTT password of the centre services (user `svc-hub`). Unset: generated once and kept in YZG_DATA_DIR.' },
  demoPassword: { env: 'YZG_DEMO_PASSWORD', kind: 'string', default: 'yzg-demo-2026', doc: 'Password of the demo accounts created by `yzg seed`.' },
  logLevel: { env: 'YZG_LOG_LEVEL', kind: 'level', default: 'info', doc: 'pino level: fatal, error, warn, info, debug, trace or silent.' },
  simSensors: { env: 'YZG_SIM_SENSORS', kind: 'int', default: '-1', min: -1, max: 100_000, doc: 'Simulated sensors started by `yzg start`: -1 all seeded sensors, 0 none.' },
  simScenario: { env: 'YZG_SIM_SCENARIO', kind: 'string', default: 'heavy-rain', doc: 'Weather of the simulated district: dry, drizzle, light-rain, heavy-rain or red-rainstorm.' },
  simSeed: { env: 'YZG_SIM_SEED', kind: 'int', default: '2026', min: 0, max: 2 ** 31 - 1, doc: 'Seed of the simulated weather (the same seed replays the same storm).' },
  simSpeed: { env: 'YZG_SIM_SPEED', kind: 'int', default: '6', min: 1, max: 3600, doc: 'Simulated seconds per real second of the simulated weather.' },
  simIntervalMs: { env: 'YZG_SIM_INTERVAL_MS', kind: 'int', default: '5000', min: 100, max: 3_600_000, doc: 'Sampling interval of the simulated sensors, milliseconds.' },
  simDocks: { env: 'YZG_SIM_DOCKS', kind: 'int', default: '-1', min: -1, max: 1000, doc: 'Simulated docks (each with its simulated drone) started by `yzg start`: -1 all seeded docks, 0 none.' },
  simDockSpeed: { env: 'YZG_SIM_DOCK_SPEED', kind: 'int', default: '1', min: 1, max: 100, doc: 'Physics speed-up of the simulated drones (1 = real time).' },
  sensorIntervalS: { env: 'YZG_SENSOR_INTERVAL_S', kind: 'int', default: '10', min: 1, max: 3600, doc: 'Sampling interval the hub sets for sensors outside rain mode, seconds.' },
  sensorRainIntervalS: { env: 'YZG_SENSOR_RAIN_INTERVAL_S', kind: 'int', default: '2', min: 1, max: 3600, doc: 'Sampling interval the hub sets for sensors in rain mode, seconds.' },
  rainModeOffAfterS: { env: 'YZG_RAIN_MODE_OFF_AFTER_S', kind: 'int', default: '1800', min: 0, max: 86_400, doc: 'Rain mode set by a rainstorm signal ends after the signal stayed below orange this long, seconds.' },
  depthBandsMm: { env: 'YZG_DEPTH_BANDS_MM', kind: 'string', default: '50,150,270,400', doc: 'Waterlogging bands notice, warning, restrict, close, millimetres (comma-separated, increasing).' },
  ingestBatchMax: { env: 'YZG_INGEST_BATCH_MAX', kind: 'int', default: '1000', min: 1, max: 50_000, doc: 'Largest number of readings written in one database statement.' },
  ingestFlushMs: { env: 'YZG_INGEST_FLUSH_MS', kind: 'int', default: '50', min: 1, max: 10_000, doc: 'Longest time a reading waits in the ingest batch, milliseconds.' },
  cockpitDir: { env: 'YZG_COCKPIT_DIR', kind: 'string', default: 'cockpit/dist', doc: 'Folder of the built cockpit that the hub serves at /.' },
  modelDir: { env: 'YZG_MODEL_DIR', kind: 'string', default: 'models', doc: 'Folder of detection models: one JSON descriptor per model (id, ONNX file, input, output layout, classes → event types, thresholds).' },
  detectWorkers: { env: 'YZG_DETECT_WORKERS', kind: 'int', default: '1', min: 1, max: 32, doc: 'Worker threads running detection models (each holds its own onnxruntime sessions).' },
  detectThreads: { env: 'YZG_DETECT_THREADS', kind: 'int', default: '1', min: 1, max: 64, doc: 'onnxruntime intra-op threads per model session in each detection worker.' },
  mediaDir: { env: 'YZG_MEDIA_DIR', kind: 'string', doc: 'Folder of drone images (originals and thumbnails, by SHA-256). Unset: YZG_DATA_DIR/media.' },
  mediaMaxBytes: { env: 'YZG_MEDIA_MAX_BYTES', kind: 'int', default: '20971520', min: 1024, max: 1_073_741_824, doc: 'Largest image the hub accepts, bytes (20 MB by default).' },
  detectNice: { env: 'YZG_DETECT_NICE', kind: 'int', default: '10', min: 0, max: 19, doc: 'CPU niceness of the detection worker threads (0 normal … 19 lowest; Linux), so ingest and the API keep the CPU on a busy machine.' },
} as const satisfies Record<string, KeySpec>;

type Keys = typeof CONFIG_KEYS;
type ValueOf<S extends KeySpec> = S['kind'] extends 'int' ? number : S['kind'] extends 'bool' ? boolean : string;

/** The validated configuration. Keys without a default are `undefined` when unset. */
export type Config = {
  [K in keyof Keys]: Keys[K] extends { default: string } ? ValueOf<Keys[K]> : ValueOf<Keys[K]> | undefined;
};

/** Thrown when any key is invalid; `problems` lists every one of them. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function parseValue(spec: KeySpec, raw: string, problems: string[]): unknown {
  switch (spec.kind) {
    case 'int': {
      if (!/^-?\d+$/.test(raw.trim())) {
        problems.push(`${spec.env}=${JSON.stringify(raw)} is not an integer`);
        return undefined;
      }
      const n = Number(raw);
      if ((spec.min !== undefined && n < spec.min) || (spec.max !== undefined && n > spec.max)) {
        problems.push(`${spec.env}=${n} is outside ${spec.min}…${spec.max}`);
      }
      return n;
    }
    case 'bool':
      if (!['true', 'false', '1', '0'].includes(raw)) problems.push(`${spec.env}=${JSON.stringify(raw)} is not true/false`);
      return raw === 'true' || raw === '1';
    case 'url':
      try {
        new URL(raw);
      } catch {
        problems.push(`${spec.env}=${JSON.stringify(raw)} is not a URL`);
      }
      return raw;
    case 'level':
      if (!LEVELS.includes(raw)) problems.push(`${spec.env}=${JSON.stringify(raw)} is not one of ${LEVELS.join(', ')}`);
      return raw;
    default:
      return raw;
  }
}

/**
 * Reads the configuration from an environment map (the CLI passes `process.env`; tests pass their
 * own). Relative paths are resolved against `cwd`.
 */
export function loadConfig(env: Record<string, string | undefined>, cwd = process.cwd()): Config {
  const problems: string[] = [];
  const out: Record<string, unknown> = {};
  const known = new Set<string>();
  for (const [key, spec] of Object.entries(CONFIG_KEYS) as [string, KeySpec][]) {
    known.add(spec.env);
    const raw = env[spec.env] === '' ? undefined : env[spec.env];
    const value = raw ?? spec.default;
    out[key] = value === undefined ? undefined : parseValue(spec, value, problems);
  }
  for (const name of Object.keys(env)) {
    if (name.startsWith('YZG_') && !known.has(name)) problems.push(`${name} is not a known key (see .env.example)`);
  }
  if (typeof out.simScenario === 'string' && !['dry', 'drizzle', 'light-rain', 'heavy-rain', 'red-rainstorm'].includes(out.simScenario)) {
    problems.push(`YZG_SIM_SCENARIO=${JSON.stringify(out.simScenario)} is not one of dry, drizzle, light-rain, heavy-rain, red-rainstorm`);
  }
  if (typeof out.depthBandsMm === 'string') {
    const b = out.depthBandsMm.split(',').map((x) => Number(x.trim()));
    if (b.length !== 4 || b.some((x) => !Number.isFinite(x) || x < 0) || b.some((x, i) => i > 0 && x <= b[i - 1]!)) {
      problems.push(`YZG_DEPTH_BANDS_MM=${JSON.stringify(out.depthBandsMm)} must be four increasing millimetre values`);
    }
  }
  if (typeof out.jwtSecret === 'string' && out.jwtSecret.length < 32) problems.push('YZG_JWT_SECRET must be at least 32 characters');
  if (problems.length > 0) throw new ConfigError(problems);
  out.dataDir = path.resolve(cwd, out.dataDir as string);
  out.cockpitDir = path.resolve(cwd, out.cockpitDir as string);
  out.modelDir = path.resolve(cwd, out.modelDir as string);
  if (typeof out.mediaDir === 'string') out.mediaDir = path.resolve(cwd, out.mediaDir);
  return out as Config;
}

/** Lines of `.env.example`, generated from the key table so the two never drift apart. */
export function envExample(): string {
  const lines = ['# 禺智管 configuration. Every key is optional; defaults are shown.', ''];
  for (const spec of Object.values(CONFIG_KEYS) as KeySpec[]) {
    lines.push(`# ${spec.doc}`);
    lines.push(`${spec.default === undefined ? '# ' : ''}${spec.env}=${spec.default ?? ''}`);
    lines.push('');
  }
  return lines.join('\n');
}
