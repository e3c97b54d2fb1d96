/**
 * The dock agent: connects to the broker with the dock's own credentials; runs the dock's state
 * machine; publishes `osd` (periodic), `state` (on change), `events` (HMS health alarms — the full
 * list, resent, so an alarm that disappears is cleared — and task progress) and answers
 * `services`; relays MAVLink between its drone's autopilot (the built-in simulator, or an
 * external one at `tcp:host:port` / `udp:port`) and the ground station (UDP, or tunnelled in MQTT
 * for docks behind NAT). It holds launches beyond its wind and rain limits and says why.
 */
import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from '../../common/logger.ts';
import { dockTopic } from '../../protocol/topics.ts';
import type { DeviceStatus } from '../../protocol/sensor.schema.ts';
import {
  DockServiceRequest,
  type DockEvent,
  type DockOsd,
  type DockServiceReply,
  type DockStateMsg,
  type DockStateName,
  type HealthAlarm,
} from '../../protocol/dock.schema.ts';
import { parseJsonPayload, validator } from '../../protocol/validate.ts';
import { dockTransition, type DockStateEvent } from './dock-state.machine.ts';
import { SimulatedWeatherStation, type WeatherStation } from './weather-station.ts';
import { MavlinkRelay } from './mavlink/mavlink-relay.ts';
import { memoryPipe, parseEndpointSpec, tcpClientEndpoint, udpEndpoint, type ByteEndpoint } from './mavlink/byte-endpoint.ts';
import { mqttTunnelEndpoint } from './mavlink/mqtt-tunnel.endpoint.ts';
import { SimAutopilot } from './sim-autopilot/sim-autopilot.ts';
import { distanceM } from './sim-autopilot/geo.ts';
import { SimCamera, type SimCameraOptions } from './camera/sim-camera.ts';

const serviceV = validator(DockServiceRequest);

/** Version string the agent reports. */
export const DOCK_AGENT_VERSION = 'yzg-dock-agent/0.1';

/** Launch limits of the dock (DOMAIN.md: wind 8–12 m/s, no launch in heavy rain). */
export interface DockLimits {
  windMps: number;
  rainMmPerH: number;
  /** Lowest drone charge to launch, percent. */
  minBatteryPct: number;
}

/** Options of one dock agent. */
export interface DockAgentOptions {
  sn: string;
  secret: string;
  brokerUrl: string;
  lat: number;
  lon: number;
  /** Ground altitude of the dock above mean sea level, metres. */
  altAmslM?: number;
  /** MAVLink system id of the dock's drone (the simulator uses it; an external autopilot has its own). */
  droneSysId: number;
  /** `sim` (built-in simulated autopilot), `tcp:host:port` or `udp:port`. */
  autopilot: string;
  /** Where the ground station is: the MQTT tunnel, or a UDP address. */
  groundStation: { kind: 'mqtt'; flushMs?: number } | { kind: 'udp'; host: string; port: number };
  limits?: Partial<DockLimits>;
  weather?: WeatherStation;
  /** Time the lid takes to open, ms. */
  lidOpenMs?: number;
  /** Give up a launch when the drone is not airborne after this long, ms. */
  launchTimeoutMs?: number;
  osdIntervalMs?: number;
  hmsIntervalMs?: number;
  /** Simulator options (physics speed-up for tests and demos). */
  sim?: { timeScale?: number; ekfReadyAfterS?: number; gcsTimeoutMs?: number };
  /** The simulated drone's camera: renders the simulated district at each trigger and uploads to the hub. */
  camera?: Omit<SimCameraOptions, 'sn' | 'secret' | 'log'>;
  log: Logger;
}

const DEFAULT_LIMITS: DockLimits = { windMps: 10, rainMmPerH: 10, minBatteryPct: 30 };
/** Distance from the dock within which a landing counts as "in the dock", metres. */
const AT_DOCK_M = 5;
/** Charge rate of the simulated charger, percent per second. */
const SIM_CHARGE_PCT_PER_S = 1;

/** A running dock. */
export class DockAgent {
  private client: MqttClient | undefined;
  private state: DockStateName = 'charging';
  private stateReason = '启动 / started';
  private lidOpen = false;
  /** The patrol sortie being flown (from `start-task`), for filing the camera's images. */
  private currentSortieId: string | undefined;
  private relay: MavlinkRelay | undefined;
  private sim: SimAutopilot | undefined;
  private cameraUnit: SimCamera | undefined;
  private endpoints: ByteEndpoint[] = [];
  private tunnel: ReturnType<typeof mqttTunnelEndpoint> | undefined;
  private timers: NodeJS.Timeout[] = [];
  private lidTimer: NodeJS.Timeout | undefined;
  private launchTimer: NodeJS.Timeout | undefined;
  private alarms = new Map<string, HealthAlarm>();
  private readonly limits: DockLimits;
  private readonly weather: WeatherStation;
  private readonly log: Logger;
  /** Every state the dock went through (tests, diagnostics). */
  readonly history: Array<{ state: DockStateName; reason: string }> = [];

  constructor(private readonly opts: DockAgentOptions) {
    this.limits = { ...DEFAULT_LIMITS, ...opts.limits };
    this.weather = opts.weather ?? new SimulatedWeatherStation();
    this.log = opts.log.child({ dockSn: opts.sn });
  }

  /** The simulated autopilot, when the dock runs the built-in one. */
  get simulator(): SimAutopilot | undefined {
    return this.sim;
  }

  /** The current state. */
  /** The patrol sortie being flown, when the hub started one with `start-task`. */
  get sortieId(): string | undefined {
    return this.currentSortieId;
  }

  /** The simulated camera, when configured. */
  get camera(): SimCamera | undefined {
    return this.cameraUnit;
  }

  get currentState(): DockStateName {
    return this.state;
  }

  /** The relay's counters. */
  get relayStats() {
    return this.relay?.stats;
  }

  /** Connects, starts the autopilot link and the relay. Resolves once connected to the broker. */
  async start(): Promise<void> {
    const { sn } = this.opts;
    const offline: DeviceStatus = { state: 'offline', ts: new Date().toISOString(), version: DOCK_AGENT_VERSION };
    const client = mqtt.connect(this.opts.brokerUrl, {
      username: sn,
      password: this.opts.secret,
      clientId: `dock-${sn}`,
      protocolVersion: 4,
      clean: true,
      reconnectPeriod: 2000,
      will: { topic: dockTopic(sn, 'status'), payload: Buffer.from(JSON.stringify(offline)), qos: 1, retain: true },
    });
    this.client = client;
    client.on('error', (err) => this.log.warn({ err: err.message }, 'dock mqtt error'));
    client.on('connect', () => {
      const online: DeviceStatus = { state: 'online', ts: new Date().toISOString(), version: DOCK_AGENT_VERSION };
      client.publish(dockTopic(sn, 'status'), JSON.stringify(online), { qos: 1, retain: true });
      const subs = [dockTopic(sn, 'services')];
      if (this.opts.groundStation.kind === 'mqtt') subs.push(dockTopic(sn, 'mavlink/down'));
      client.subscribe(subs, { qos: 0 });
      this.publishState(undefined);
      this.publishHms();
    });
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
    });

    if (this.opts.camera && this.opts.autopilot === 'sim') this.cameraUnit = new SimCamera({ ...this.opts.camera, sn, secret: this.opts.secret, log: this.log }).start();
    const autopilot = await this.autopilotEndpoint();
    const gcs = await this.groundStationEndpoint(client);
    this.relay = new MavlinkRelay(autopilot, gcs);
    this.timers.push(setInterval(() => this.publishOsd(), this.opts.osdIntervalMs ?? 2000));
    this.timers.push(setInterval(() => this.publishHms(), this.opts.hmsIntervalMs ?? 5000));
    this.timers.push(setInterval(() => this.watch(), 200));
    this.log.info({ autopilot: this.opts.autopilot, groundStation: this.opts.groundStation.kind }, 'dock agent running');
  }

  private async autopilotEndpoint(): Promise<ByteEndpoint> {
    const spec = parseEndpointSpec(this.opts.autopilot);
    if (!spec) throw new Error(`invalid autopilot endpoint ${JSON.stringify(this.opts.autopilot)}: use sim, tcp:host:port or udp:port`);
    if (spec.kind === 'tcp') return this.keep(tcpClientEndpoint(spec.host, spec.port));
    if (spec.kind === 'udp') return this.keep(await udpEndpoint({ localPort: spec.port }));
    const [dockSide, simSide] = memoryPipe();
    this.keep(simSide);
    const w = this.weather.read(Date.now());
    this.sim = new SimAutopilot({
      sysId: this.opts.droneSysId,
      home: { lat: this.opts.lat, lon: this.opts.lon, altAmslM: this.opts.altAmslM ?? 10 },
      endpoint: simSide,
      log: this.log,
      timeScale: this.opts.sim?.timeScale,
      ekfReadyAfterS: this.opts.sim?.ekfReadyAfterS,
      gcsTimeoutMs: this.opts.sim?.gcsTimeoutMs,
      airframe: { windMps: w.windMps, windFromDeg: w.windFromDeg },
      onCameraCapture: (at) => {
        this.cameraUnit?.capture(at, this.currentSortieId !== undefined ? { sortieId: this.currentSortieId } : {}).catch(() => undefined);
      },
    }).start();
    return this.keep(dockSide);
  }

  private async groundStationEndpoint(client: MqttClient): Promise<ByteEndpoint> {
    const g = this.opts.groundStation;
    if (g.kind === 'udp') return this.keep(await udpEndpoint({ remote: { host: g.host, port: g.port } }));
    this.tunnel = mqttTunnelEndpoint(client, this.opts.sn, g.flushMs ?? 50);
    return this.keep(this.tunnel);
  }

  private keep<T extends ByteEndpoint>(e: T): T {
    this.endpoints.push(e);
    return e;
  }

  /** Stops everything; publishes offline first. */
  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    clearTimeout(this.lidTimer);
    clearTimeout(this.launchTimer);
    this.sim?.stop();
    await this.cameraUnit?.stop();
    await Promise.all(this.endpoints.map((e) => e.close().catch(() => undefined)));
    const c = this.client;
    if (c?.connected) {
      const offline: DeviceStatus = { state: 'offline', ts: new Date().toISOString(), version: DOCK_AGENT_VERSION };
      await c.publishAsync(dockTopic(this.opts.sn, 'status'), JSON.stringify(offline), { qos: 1, retain: true }).catch(() => undefined);
    }
    await c?.endAsync().catch(() => undefined);
  }

  // ------------------------------------------------------------------ input

  private onMessage(topic: string, payload: Buffer): void {
    const { sn } = this.opts;
    if (topic === dockTopic(sn, 'mavlink/down')) return this.tunnel?.deliver(payload);
    if (topic !== dockTopic(sn, 'services')) return;
    const v = parseJsonPayload(payload, serviceV);
    if (!v.ok) {
      this.log.warn({ errors: v.errors }, 'dock: invalid service request dropped');
      return;
    }
    const req = v.value;
    const reply = (result: DockServiceReply['result'], reason?: string) => {
      const r: DockServiceReply = { requestId: req.requestId, ts: new Date().toISOString(), method: req.method, result, ...(reason ? { reason } : {}) };
      this.client?.publish(dockTopic(sn, 'services_reply'), JSON.stringify(r), { qos: 1 });
    };
    switch (req.method) {
      case 'start-task':
      case 'prepare-launch': {
        const held = this.launchHold();
        if (held) return reply('denied', held);
        if (!this.apply({ type: 'prepare-launch' }, reply)) return;
        this.currentSortieId = req.method === 'start-task' ? req.params?.sortieId : undefined;
        // Reply once the lid is open: the drone may take off then.
        this.lidTimer = setTimeout(() => {
          this.lidOpen = true;
          this.apply({ type: 'lid-opened' });
          reply('ok');
          this.launchTimer = setTimeout(() => this.apply({ type: 'launch-timeout' }), this.opts.launchTimeoutMs ?? 60_000);
        }, this.opts.lidOpenMs ?? 3000);
        return;
      }
      case 'abort-launch':
        clearTimeout(this.lidTimer);
        clearTimeout(this.launchTimer);
        if (this.apply({ type: 'abort-launch' }, reply)) reply('ok');
        return;
      case 'prepare-landing':
        if (this.state === 'landing') return reply('ok');
        if (this.apply({ type: 'drone-returning' }, reply)) this.openLidForLanding(() => reply('ok'));
        return;
      case 'reset-fault':
        if (this.apply({ type: 'reset-fault' }, reply)) reply('ok');
        return;
    }
  }

  /** Why a launch must wait (wind, rain, battery, link), or undefined when it may go. */
  private launchHold(): string | undefined {
    const w = this.weather.read(Date.now());
    if (w.windMps > this.limits.windMps) return `风速 ${w.windMps.toFixed(1)} m/s 超过起飞限制 ${this.limits.windMps} m/s / wind ${w.windMps.toFixed(1)} m/s above the launch limit of ${this.limits.windMps} m/s`;
    if (w.rainMmPerH > this.limits.rainMmPerH) return `雨强 ${w.rainMmPerH} mm/h 超过起飞限制 ${this.limits.rainMmPerH} mm/h / rain ${w.rainMmPerH} mm/h above the launch limit`;
    if (!this.relay?.autopilotLinked()) return '机库与无人机飞控通信中断 / no link to the drone autopilot';
    const pct = this.relay.drone.batteryPct;
    if (pct !== undefined && pct < this.limits.minBatteryPct) return `无人机电量 ${pct}% 低于起飞要求 ${this.limits.minBatteryPct}% / drone battery ${pct}% below ${this.limits.minBatteryPct}%`;
    return undefined;
  }

  /** Offers an event to the state machine; on refusal answers the service (when given) and returns false. */
  private apply(e: DockStateEvent, reply?: (result: 'denied', reason: string) => void): boolean {
    const t = dockTransition(this.state, e);
    if (!t.ok) {
      reply?.('denied', t.reason);
      return false;
    }
    if (t.state !== this.state) {
      const previous = this.state;
      this.state = t.state;
      this.stateReason = t.reason;
      this.history.push({ state: t.state, reason: t.reason });
      if (t.state === 'in-flight' || t.state === 'idle' || t.state === 'charging') {
        clearTimeout(this.launchTimer);
        this.lidOpen = false;
      }
      this.log.info({ state: t.state, previous, reason: t.reason }, 'dock state');
      this.publishState(previous);
      this.publishHms();
    }
    return true;
  }

  private openLidForLanding(done?: () => void): void {
    if (this.lidOpen) return done?.();
    this.lidTimer = setTimeout(() => {
      this.lidOpen = true;
      this.apply({ type: 'lid-opened' });
      done?.();
    }, this.opts.lidOpenMs ?? 3000);
  }

  // ------------------------------------------------------------------ watching the drone

  private watch(): void {
    const d = this.relay?.drone;
    if (!d) return;
    const airborne = d.armed && d.altRelM > 2;
    if (airborne && (this.state === 'launching' || this.state === 'lid-opening' || this.state === 'idle' || this.state === 'charging')) this.apply({ type: 'drone-airborne' });
    if (this.state === 'in-flight' && d.armed && (d.mode === 'RTL' || d.mode === 'LAND') && this.nearDock(200)) {
      if (this.apply({ type: 'drone-returning' })) this.openLidForLanding();
    }
    if ((this.state === 'in-flight' || this.state === 'landing') && !d.armed && d.altRelM < 0.5) {
      this.apply({ type: 'drone-landed', atDock: this.nearDock(AT_DOCK_M) });
    }
    if (this.state === 'charging') {
      // The simulator's charger; a real dock reports its charger's state.
      this.sim?.charge(SIM_CHARGE_PCT_PER_S * 0.2);
      if ((d.batteryPct ?? this.sim?.snapshot().batteryPct ?? 100) >= 95) this.apply({ type: 'charged' });
    }
    if (this.sim) {
      const w = this.weather.read(Date.now());
      this.sim.setWind(w.windMps, w.windFromDeg);
    }
    this.updateAlarms();
  }

  private nearDock(radiusM: number): boolean {
    const d = this.relay?.drone;
    if (d?.lat === undefined || d.lon === undefined) return false;
    return distanceM({ lat: d.lat, lon: d.lon }, { lat: this.opts.lat, lon: this.opts.lon }) <= radiusM;
  }

  // ------------------------------------------------------------------ health (HMS)

  private updateAlarms(): void {
    const w = this.weather.read(Date.now());
    const want = new Map<string, Omit<HealthAlarm, 'since'>>();
    if (w.windMps > this.limits.windMps) want.set('dock.wind-over-limit', { code: 'dock.wind-over-limit', level: 'caution', message: `风速 ${w.windMps.toFixed(1)} m/s 超过起飞限制，暂停起飞 / wind above the launch limit` });
    if (w.rainMmPerH > this.limits.rainMmPerH) want.set('dock.rain-over-limit', { code: 'dock.rain-over-limit', level: 'caution', message: '雨强超过起飞限制，暂停起飞 / rain above the launch limit' });
    if (this.relay && !this.relay.autopilotLinked()) want.set('drone.autopilot-link-lost', { code: 'drone.autopilot-link-lost', level: 'warning', message: '机库与无人机飞控通信中断 / no link to the drone autopilot' });
    const pct = this.relay?.drone.batteryPct;
    if (pct !== undefined && pct < this.limits.minBatteryPct) want.set('drone.battery-low', { code: 'drone.battery-low', level: this.state === 'in-flight' ? 'warning' : 'notice', message: `无人机电量 ${pct}% / drone battery ${pct}%` });
    if (this.state === 'fault') want.set('dock.fault', { code: 'dock.fault', level: 'warning', message: `机库故障：${this.stateReason}` });
    let changed = false;
    for (const code of [...this.alarms.keys()]) {
      if (!want.has(code)) {
        this.alarms.delete(code);
        changed = true;
      }
    }
    for (const [code, a] of want) {
      const prior = this.alarms.get(code);
      if (!prior || prior.level !== a.level) {
        this.alarms.set(code, { ...a, since: prior?.since ?? new Date().toISOString() });
        changed = true;
      }
    }
    if (changed) this.publishHms();
  }

  /** The active alarms. */
  activeAlarms(): HealthAlarm[] {
    return [...this.alarms.values()];
  }

  // ------------------------------------------------------------------ output

  private publish(channel: 'osd' | 'state' | 'events', body: unknown): void {
    if (this.client?.connected) this.client.publish(dockTopic(this.opts.sn, channel), JSON.stringify(body), { qos: channel === 'osd' ? 0 : 1 });
  }

  private publishState(previous: DockStateName | undefined): void {
    const m: DockStateMsg = { ts: new Date().toISOString(), state: this.state, reason: this.stateReason, droneSysId: this.opts.droneSysId, lat: this.opts.lat, lon: this.opts.lon, ...(previous ? { previous } : {}) };
    this.publish('state', m);
  }

  private publishHms(): void {
    const e: DockEvent = { type: 'hms', ts: new Date().toISOString(), alarms: this.activeAlarms() };
    this.publish('events', e);
  }

  private publishOsd(): void {
    const pct = this.relay?.drone.batteryPct;
    const m: DockOsd = {
      ts: new Date().toISOString(),
      state: this.state,
      weather: this.weather.read(Date.now()),
      lidOpen: this.lidOpen,
      droneSysId: this.relay?.drone.sysId ?? this.opts.droneSysId,
      autopilotLinked: this.relay?.autopilotLinked() ?? false,
      ...(pct !== undefined ? { droneBatteryPct: Math.max(0, Math.min(100, pct)) } : {}),
    };
    this.publish('osd', m);
  }
}
