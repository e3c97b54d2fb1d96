/**
 * `yzg` — the 禺智管 command. `yzg start` runs the whole system on one machine; the other
 * subcommands run each part on its own. Every subcommand has `--help`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig, type Config } from '../common/config.ts';
import { createLogger, type Logger } from '../common/logger.ts';
import { ROLE_LABELS_ZH } from '../protocol/roles.ts';

const CLI_PATH = fileURLToPath(import.meta.url);
const REPO_ROOT = path.resolve(path.dirname(CLI_PATH), '..');

interface Command {
  summary: string;
  usage: string;
  options?: NonNullable<ParseArgsConfig['options']>;
  run(args: { values: Record<string, string | boolean | undefined>; positionals: string[]; config: Config; log: Logger }): Promise<void>;
}

function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** Resolves when SIGINT or SIGTERM arrives; a second signal exits at once. */
function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    let seenAt = 0;
    const on = (sig: string) => {
      // The same Ctrl-C may arrive twice (e.g. through `timeout` or a wrapper): only a later one forces.
      if (seenAt && Date.now() - seenAt < 1000) return;
      if (seenAt) {
        out('再次收到中断信号，立即退出 / second signal: exiting now');
        process.exit(130);
      }
      seenAt = Date.now();
      resolve(sig);
    };
    process.on('SIGINT', () => on('SIGINT'));
    process.on('SIGTERM', () => on('SIGTERM'));
  });
}

const commands: Record<string, Command> = {
  start: {
    summary: '启动整个系统 / run the whole system: database, broker, hub + cockpit, simulated sensors',
    usage: 'yzg start [--no-fleet]',
    options: { 'no-fleet': { type: 'boolean' } },
    async run({ values, config, log }) {
      const t0 = Date.now();
      const progress = (msg: string) => out(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(5)} s] ${msg}`);
      const stopSignal = untilSignal();
      const { ensureCockpitBuilt, REPO_ROOT: root } = await import('./build-cockpit.ts');
      // The repository's own cockpit is (re)built when stale; a YZG_COCKPIT_DIR elsewhere is served as it is.
      if (path.resolve(config.cockpitDir) === path.join(root, 'cockpit/dist')) await ensureCockpitBuilt({ onProgress: progress });
      const { startCentre } = await import('./centre.ts');
      const centre = await startCentre(config, log, progress);
      let fleet: ChildProcess | undefined;
      if (!values['no-fleet'] && config.simSensors !== 0) {
        const n = config.simSensors < 0 ? centre.seedResult.credentials.length : config.simSensors;
        progress(`启动模拟传感器 ${n} 台 / starting ${n} simulated sensors (separate process, one MQTT client each)`);
        fleet = spawn(
          process.execPath,
          ['--import', 'tsx', CLI_PATH, 'edge', 'fleet', '--credentials', centre.credentialsFile, '--broker', centre.mqttUrl, `--count=${config.simSensors}`],
          { stdio: ['ignore', 'inherit', 'inherit'], env: process.env },
        );
        fleet.on('exit', (code, signal) => {
          if (code !== 0 && signal === null) log.warn({ code }, 'simulated fleet exited');
        });
      }
      // Drone docks with their simulated drones, one per town, as their own process (issue 4).
      let dockFleet: ChildProcess | undefined;
      const seededDocks = centre.seedResult.docks?.length ?? 0;
      const dockCount = config.simDocks < 0 ? seededDocks : Math.min(config.simDocks, seededDocks);
      if (!values['no-fleet'] && dockCount > 0) {
        progress(`启动模拟机库 ${dockCount} 座（含模拟无人机）/ starting ${dockCount} simulated docks with their drones (separate process)`);
        const dockCredentials = path.join(path.dirname(centre.credentialsFile), 'dock-credentials.json');
        dockFleet = spawn(process.execPath, ['--import', 'tsx', CLI_PATH, 'edge', 'dock-fleet', '--credentials', dockCredentials, '--broker', centre.mqttUrl, `--count=${dockCount}`, `--speed=${config.simDockSpeed}`, '--hub', centre.hub.url], { stdio: ['ignore', 'inherit', 'inherit'], env: process.env });
        dockFleet.on('exit', (code, signal) => {
          if (code !== 0 && signal === null) log.warn({ code }, 'simulated dock fleet exited');
        });
      }
      const url = centre.hub.url;
      out('');
      out('━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━');
      out(` 禺智管已就绪 / ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      out(` 驾驶舱 cockpit:   ${url}/`);
      out(` 接口文档 API docs: ${url}/docs`);
      out(` MQTT:             ${centre.mqttUrl}${centre.mqttWsPort ? `  (WebSocket :${centre.mqttWsPort})` : ''}`);
      out(` 演示账号 demo logins (密码 password: ${config.demoPassword}):`);
      const users = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'data/demo-users.json'), 'utf8')) as { users: Array<{ username: string; role: keyof typeof ROLE_LABELS_ZH; displayName: string }> };
      for (const u of users.users) {
        out(`   ${u.username.padEnd(9)} ${ROLE_LABELS_ZH[u.role]} · ${u.displayName}`);
      }
      out(' 按 Ctrl-C 停止 / press Ctrl-C to stop');
      out('━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━');
      await stopSignal;
      out('正在停止 / stopping…');
      if (fleet && fleet.exitCode === null) {
        const exited = new Promise((r) => fleet!.once('exit', r));
        fleet.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (fleet.exitCode === null) fleet.kill('SIGKILL');
      }
      if (dockFleet && dockFleet.exitCode === null) {
        const exited = new Promise((r) => dockFleet!.once('exit', r));
        dockFleet.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (dockFleet.exitCode === null) dockFleet.kill('SIGKILL');
      }
      await centre.stop();
      out('已停止 / stopped');
    },
  },
  migrate: {
    summary: '执行数据库迁移 / apply database migrations',
    usage: 'yzg migrate',
    async run({ config, log }) {
      const { startDatabase } = await import('./centre.ts');
      const db = await startDatabase(config, log, out);
      await db.pool.end();
      await db.embedded?.stop();
    },
  },
  seed: {
    summary: '写入参考数据与演示账号 / seed reference data, rain-prone spots and demo accounts',
    usage: 'yzg seed',
    async run({ config, log }) {
      const { startDatabase } = await import('./centre.ts');
      const { createHubServices } = await import('../hub/services/index.ts');
      const { seed } = await import('../hub/seed/seed.ts');
      const db = await startDatabase(config, log, out);
      try {
        const r = await seed(createHubServices(db.pool, log), { demoPassword: config.demoPassword, credentialsFile: path.join(config.dataDir, 'fleet-credentials.json'), log });
        out(`regions ${r.regions}, users created ${r.usersCreated}, sensors created ${r.sensorsCreated}`);
      } finally {
        await db.pool.end();
        await db.embedded?.stop();
      }
    },
  },
  centre: {
    summary: '只启动中心（数据库、代理、中枢），不启动模拟设备 / the centre without simulated devices',
    usage: 'yzg centre',
    async run(ctx) {
      await commands.start!.run({ ...ctx, values: { ...ctx.values, 'no-fleet': true } });
    },
  },
  broker: {
    summary: '单独运行 MQTT 代理 / run the aedes broker alone (devices are checked against the database)',
    usage: 'yzg broker',
    async run({ config, log }) {
      const { startDatabase, HUB_SERVICE_USER } = await import('./centre.ts');
      const { createBroker } = await import('../broker/broker.ts');
      const { createHubServices } = await import('../hub/services/index.ts');
      const { createRegistry } = await import('../common/metrics.ts');
      const { loadOrCreateSecrets } = await import('./secrets.ts');
      const stopSignal = untilSignal();
      const db = await startDatabase(config, log, out);
      const services = createHubServices(db.pool, log);
      const broker = await createBroker({
        authenticateDevice: (sn, secret) => services.auth.authenticateDevice(sn, secret),
        services: { [HUB_SERVICE_USER]: config.servicePassword ?? loadOrCreateSecrets(config.dataDir).servicePassword },
        log,
        registry: createRegistry(true),
      });
      const bound = await broker.listen({ host: config.mqttHost, port: config.mqttPort, wsPort: config.mqttWsPort });
      out(`broker listening on mqtt://${config.mqttHost}:${bound.port} (ws :${bound.wsPort})`);
      await stopSignal;
      await broker.close();
      await db.pool.end();
      await db.embedded?.stop();
    },
  },
  hub: {
    summary: '单独运行中枢 / run the hub alone against YZG_MQTT_URL and DATABASE_URL (or the embedded database)',
    usage: 'yzg hub',
    async run({ config, log }) {
      const { startDatabase, HUB_SERVICE_USER } = await import('./centre.ts');
      const { startHub } = await import('../hub/server.ts');
      const { createRegistry } = await import('../common/metrics.ts');
      const { loadOrCreateSecrets } = await import('./secrets.ts');
      const stopSignal = untilSignal();
      const db = await startDatabase(config, log, out);
      const secrets = loadOrCreateSecrets(config.dataDir);
      const hub = await startHub({
        pool: db.pool,
        log,
        registry: createRegistry(true),
        jwtSecret: config.jwtSecret ?? secrets.jwtSecret,
        jwtTtlS: config.jwtTtlS,
        mqtt: { url: config.mqttUrl ?? `mqtt://${config.mqttHost}:${config.mqttPort}`, username: HUB_SERVICE_USER, password: config.servicePassword ?? secrets.servicePassword, clientId: `yzg-hub-${config.httpPort}` },
        http: { host: config.httpHost, port: config.httpPort },
        ingest: { batchMax: config.ingestBatchMax, flushMs: config.ingestFlushMs, spillDir: path.join(config.dataDir, 'ingest-spill') },
        cockpitDir: config.cockpitDir,
      });
      out(`hub listening on ${hub.url}`);
      await stopSignal;
      await hub.close();
      await db.pool.end();
      await db.embedded?.stop();
    },
  },
  edge: {
    summary: '运行边缘设备代理 / run edge agents: `edge sensor` (one device) or `edge fleet` (simulated fleet)',
    usage:
      'yzg edge sensor --sn SN --secret SECRET [--broker URL] [--interval-ms N] [--modbus-tcp HOST:PORT --mount-height-mm N]\n' +
      '       yzg edge fleet --credentials FILE [--broker URL] [--count N] [--scenario NAME] [--seed N] [--speed N]\n' +
      '       yzg edge dock-fleet [--credentials FILE] [--broker URL] [--count N] [--speed N] [--hub URL (camera uploads; none: no camera)]',
    options: {
      sn: { type: 'string' },
      secret: { type: 'string' },
      broker: { type: 'string' },
      'interval-ms': { type: 'string' },
      credentials: { type: 'string' },
      count: { type: 'string' },
      scenario: { type: 'string' },
      seed: { type: 'string' },
      speed: { type: 'string' },
      'modbus-tcp': { type: 'string' },
      'mount-height-mm': { type: 'string' },
      hub: { type: 'string' },
    },
    async run({ values, positionals, config, log }) {
      const brokerUrl = (values.broker as string | undefined) ?? config.mqttUrl ?? `mqtt://${config.mqttHost}:${config.mqttPort}`;
      const intervalMs = values['interval-ms'] ? Number(values['interval-ms']) : config.simIntervalMs;
      const stateDir = path.join(config.dataDir, 'edge');
      const stopSignal = untilSignal();
      if (positionals[0] === 'sensor') {
        if (!values.sn || !values.secret) throw new UsageError('edge sensor needs --sn and --secret');
        const sn = values.sn as string;
        const { SensorAgent } = await import('../edge/sensor/sensor-agent.ts');
        let adapter;
        if (values['modbus-tcp']) {
          // A real gauge: Modbus RTU through a serial server.
          const [host, port] = String(values['modbus-tcp']).split(':');
          if (!host || !port || !values['mount-height-mm']) throw new UsageError('--modbus-tcp needs HOST:PORT and --mount-height-mm');
          const { modbusRadarAdapter, rtuOverTcp } = await import('../edge/sensor/adapters/modbus-radar.ts');
          adapter = modbusRadarAdapter({ transport: rtuOverTcp(host, Number(port)), mountHeightMm: Number(values['mount-height-mm']) });
        } else {
          const { World } = await import('../edge/world/world.ts');
          const { simulatorAdapter } = await import('../edge/sensor/adapters/simulator.ts');
          const world = new World({ scenario: config.simScenario as never, seed: config.simSeed, startMs: Date.now(), speed: config.simSpeed }, [{ sn, lat: 22.95, lon: 113.38 }]);
          adapter = simulatorAdapter(sn, world);
        }
        const agent = new SensorAgent({ sn, secret: values.secret as string, brokerUrl, intervalMs, stateDir, adapter, log });
        await agent.start({ waitForConnection: false });
        out(`sensor ${sn} (${adapter.name}) sampling every ${intervalMs} ms, sending to ${brokerUrl}`);
        await stopSignal;
        await agent.stop();
        await adapter.close?.();
      } else if (positionals[0] === 'fleet') {
        const { runFleet } = await import('../edge/sensor/fleet.ts');
        const credentialsFile = (values.credentials as string | undefined) ?? path.join(config.dataDir, 'fleet-credentials.json');
        const { SCENARIOS } = await import('../edge/world/rain-field.ts');
        const scenario = (values.scenario as string | undefined) ?? config.simScenario;
        if (!(SCENARIOS as readonly string[]).includes(scenario)) throw new UsageError(`unknown scenario ${scenario}; one of ${SCENARIOS.join(', ')}`);
        const fleet = await runFleet({
          credentialsFile,
          brokerUrl,
          intervalMs,
          stateDir,
          count: values.count ? Number(values.count) : -1,
          scenario: scenario as never,
          seed: values.seed ? Number(values.seed) : config.simSeed,
          speed: values.speed ? Number(values.speed) : config.simSpeed,
          log: log.child({ process: 'fleet' }),
        });
        out(`simulated fleet: ${fleet.agents.length} sensors, scenario ${scenario}`);
        await stopSignal;
        await fleet.stop();
      } else if (positionals[0] === 'dock-fleet') {
        // Simulated docks, each with its simulated drone; --speed speeds up the drones' physics.
        const { runDockFleet } = await import('../edge/dock/dock-fleet.ts');
        const credentialsFile = (values.credentials as string | undefined) ?? path.join(config.dataDir, 'dock-credentials.json');
        const hubUrl = values.hub as string | undefined;
        const camera = hubUrl
          ? { hubUrl, spoolDir: path.join(config.dataDir, 'camera-spool'), dataDir: path.join(REPO_ROOT, 'data'), sceneSeed: config.simSeed, weather: { scenario: config.simScenario as never, seed: config.simSeed, speed: config.simSpeed } }
          : undefined;
        const docks = await runDockFleet({ credentialsFile, brokerUrl, count: values.count ? Number(values.count) : -1, timeScale: values.speed ? Number(values.speed) : 1, camera, log: log.child({ process: 'dock-fleet' }) });
        out(`simulated dock fleet: ${docks.agents.length} docks with their drones`);
        await stopSignal;
        await docks.stop();
      } else {
        throw new UsageError('edge needs `sensor`, `fleet` or `dock-fleet`');
      }
    },
  },
  'build-cockpit': {
    summary: '构建驾驶舱前端 / build the cockpit (Vite)',
    usage: 'yzg build-cockpit [--force]',
    options: { force: { type: 'boolean' } },
    async run({ values }) {
      const { ensureCockpitBuilt } = await import('./build-cockpit.ts');
      const built = await ensureCockpitBuilt({ force: Boolean(values.force), onProgress: out });
      if (!built) out('驾驶舱已是最新 / cockpit is up to date');
    },
  },
  bench: {
    summary: '运行基准测试 / run benchmarks and print figures beside their baselines',
    usage: 'yzg bench [name …] [--json FILE]',
    options: { json: { type: 'string' } },
    async run({ values, positionals, config, log }) {
      const { runBenchmarks } = await import('../bench/harness.ts');
      await runBenchmarks({ names: positionals, jsonFile: values.json as string | undefined, config, log, out });
    },
  },
};

class UsageError extends Error {}

function help(): void {
  out('禺智管 yzg — city-operations hub for drones and IoT sensing\n');
  out('usage: yzg <command> [options]   (every command takes --help)\n');
  for (const [name, c] of Object.entries(commands)) out(`  ${name.padEnd(14)} ${c.summary}`);
  out('\nConfiguration comes from environment variables: see .env.example and the README.');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    help();
    return 0;
  }
  const cmd = commands[name];
  if (!cmd) {
    process.stderr.write(`unknown command: ${name}\n\n`);
    help();
    return 2;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: { ...cmd.options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\nusage: ${cmd.usage}\n`);
    return 2;
  }
  if ((parsed.values as Record<string, unknown>).help) {
    out(`${cmd.summary}\n\nusage: ${cmd.usage}`);
    return 0;
  }
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 78;
    }
    throw err;
  }
  const log = createLogger({ level: config.logLevel as never, pretty: process.stdout.isTTY, name: 'yzg' });
  try {
    await cmd.run({ values: parsed.values as Record<string, string | boolean | undefined>, positionals: parsed.positionals, config, log });
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`${err.message}\nusage: ${cmd.usage}\n`);
      return 2;
    }
    log.fatal({ err }, `yzg ${name} failed`);
    process.stderr.write(`yzg ${name} failed: ${(err as Error).message}\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`${err.stack ?? err.message}\n`);
    process.exit(1);
  },
);
