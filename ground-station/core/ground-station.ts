/**
 * The ground station core: links in, a MAVLink decoder per (link, peer), the vehicle registry by
 * system id, the GCS heartbeat out, link-loss detection, telemetry streams requested the way
 * ArduPilot needs (it sends nothing until asked), and events for everything above. Capabilities
 * (`action/`, `command/`, `mission/`) are built on `send()` and `waitFor()`.
 */
import { EventEmitter } from 'node:events';
import { common, minimal, type MavLinkData } from 'node-mavlink';
import type { Logger } from '../../common/logger.ts';
import { Counter, Gauge, metricOnce, type Registry } from '../../common/metrics.ts';
import type { VehicleAlarm, VehicleTelemetry } from '../../protocol/vehicle.schema.ts';
import type { GcsLink } from '../link/link.ts';
import { SequenceQuality, TelemetryNormaliser } from '../telemetry/telemetry.normaliser.ts';
import { MavlinkDecoder, MavlinkEncoder, type MavMessage } from '../../common/mavlink/mavlink-codec.ts';
import { MavlinkSigner } from '../../common/mavlink/mavlink-signing.ts';

/** Options of a ground station. */
export interface GroundStationOptions {
  log: Logger;
  registry?: Registry;
  /** Our MAVLink system id (255 is the customary GCS id). */
  sysId?: number;
  /** Our component id (190 = MAV_COMP_ID_MISSIONPLANNER). */
  compId?: number;
  /** GCS heartbeat period, ms. */
  heartbeatMs?: number;
  /** Silence after which a vehicle's link counts as lost, ms (alarm within this + `watchdogMs`). */
  linkLossMs?: number;
  /** Period of the link-loss check, ms. */
  watchdogMs?: number;
  /** Position rate to ask of vehicles, Hz (5 Hz is the PX4 default). */
  positionHz?: number;
  /** MAVLink 2 signing key (32 bytes, `signingKey(passphrase)`): sign everything, accept only frames signed with it. */
  signingKey?: Buffer;
}

/** A vehicle the ground station has heard. */
export interface Vehicle {
  readonly sysId: number;
  /** Component id of the autopilot. */
  compId: number;
  /** MAV_AUTOPILOT of its heartbeat (3 = ArduPilot). */
  autopilot: number;
  /** MAV_TYPE of its heartbeat. */
  type: number;
  link: GcsLink;
  /** Peer on that link (UDP `ip:port`, or the dock serial number on the MQTT tunnel). */
  peer: string;
  lastHeartbeatMs: number;
  lastPositionMs: number;
  /** When telemetry streams were last requested, ms. */
  streamsRequestedMs: number;
  linked: boolean;
  /** Latest STATUSTEXT and when it came (reasons of refusals). */
  lastStatusText?: { text: string; severity: number; atMs: number };
  readonly telemetry: TelemetryNormaliser;
  readonly quality: SequenceQuality;
}

/** Events of a ground station. */
export interface GroundStationEvents {
  vehicle: [Vehicle];
  telemetry: [VehicleTelemetry];
  alarm: [VehicleAlarm];
  message: [Vehicle, MavMessage];
  /** Raw bytes received on a link (for forwarding to an external GCS). */
  raw: [GcsLink, string, Buffer];
}

type Waiter = { sysId: number; match: (m: MavMessage) => boolean; resolve: (m: MavMessage) => void };

/** A MAVLink ground station. */
export class GroundStation extends EventEmitter<GroundStationEvents> {
  readonly sysId: number;
  readonly compId: number;
  private readonly enc: MavlinkEncoder;
  private readonly links: GcsLink[] = [];
  private readonly decoders = new Map<string, MavlinkDecoder>();
  private readonly registryBySys = new Map<number, Vehicle>();
  private readonly waiters = new Set<Waiter>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly log: Logger;
  private readonly linkLossMs: number;
  private readonly positionHz: number;
  private readonly metrics: { frames: Counter; dropped: Counter; alarms: Counter; vehicles: Gauge } | undefined;
  private readonly signer: MavlinkSigner | undefined;
  /** Frames refused for a missing, wrong or replayed signature. */
  badSignatures = 0;

  constructor(opts: GroundStationOptions) {
    super();
    this.setMaxListeners(0);
    this.sysId = opts.sysId ?? 255;
    this.compId = opts.compId ?? 190;
    this.signer = opts.signingKey ? new MavlinkSigner(opts.signingKey) : undefined;
    this.enc = new MavlinkEncoder(this.sysId, this.compId, this.signer);
    this.log = opts.log.child({ module: 'gcs' });
    this.linkLossMs = opts.linkLossMs ?? 2500;
    this.positionHz = opts.positionHz ?? 5;
    const r = opts.registry;
    if (r) {
      this.metrics = {
        frames: metricOnce(r, 'yzg_gcs_frames_total', () => new Counter({ name: 'yzg_gcs_frames_total', help: 'MAVLink frames decoded by the ground station', registers: [r] })),
        dropped: metricOnce(r, 'yzg_gcs_dropped_total', () => new Counter({ name: 'yzg_gcs_dropped_total', help: 'MAVLink input dropped (bad CRC, unknown, malformed)', labelNames: ['reason'], registers: [r] })),
        alarms: metricOnce(r, 'yzg_gcs_alarms_total', () => new Counter({ name: 'yzg_gcs_alarms_total', help: 'Vehicle alarms raised', labelNames: ['kind'], registers: [r] })),
        vehicles: metricOnce(r, 'yzg_gcs_vehicles_linked', () => new Gauge({ name: 'yzg_gcs_vehicles_linked', help: 'Vehicles whose heartbeat is heard', registers: [r] })),
      };
    }
    this.timers.push(setInterval(() => this.heartbeat(), opts.heartbeatMs ?? 1000));
    this.timers.push(setInterval(() => this.watchdog(), opts.watchdogMs ?? 100));
  }

  /** Adds a link; its bytes are decoded per peer. */
  addLink(link: GcsLink): void {
    this.links.push(link);
    link.onData((bytes, peer) => this.onBytes(link, peer, bytes));
  }

  /** Every vehicle heard so far. */
  vehicles(): Vehicle[] {
    return [...this.registryBySys.values()];
  }

  /** The vehicle with system id `sysId`. */
  vehicle(sysId: number): Vehicle | undefined {
    return this.registryBySys.get(sysId);
  }

  /** Resolves with the vehicle once its heartbeat is heard, or undefined after `timeoutMs`. */
  async waitForVehicle(sysId: number, timeoutMs: number): Promise<Vehicle | undefined> {
    const v = this.vehicle(sysId);
    if (v?.linked) return v;
    const m = await this.waitFor(sysId, (x) => x.data instanceof minimal.Heartbeat, timeoutMs);
    return m ? this.vehicle(sysId) : undefined;
  }

  /** Sends a message to a vehicle over its current link; false when there is no such vehicle. */
  send(sysId: number, msg: MavLinkData): boolean {
    const v = this.registryBySys.get(sysId);
    if (!v) return false;
    const t = msg as unknown as { targetSystem?: number; targetComponent?: number };
    if ('targetSystem' in t) t.targetSystem = sysId;
    if ('targetComponent' in t) t.targetComponent = v.compId;
    v.link.send(this.enc.encode(msg), v.peer);
    return true;
  }

  /** Sends raw frames to a vehicle's peer (forwarding from an external GCS). */
  sendRaw(sysId: number, bytes: Uint8Array): boolean {
    const v = this.registryBySys.get(sysId);
    if (!v) return false;
    v.link.send(bytes, v.peer);
    return true;
  }

  /** Waits for a message from `sysId` that `match` accepts; undefined after `timeoutMs`. */
  waitFor(sysId: number, match: (m: MavMessage) => boolean, timeoutMs: number): Promise<MavMessage | undefined> {
    return new Promise((resolve) => {
      const w: Waiter = {
        sysId,
        match,
        resolve: (m) => {
          clearTimeout(timer);
          this.waiters.delete(w);
          resolve(m);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(w);
        resolve(undefined);
      }, timeoutMs);
      this.waiters.add(w);
    });
  }

  /** Decoder counters summed over every peer. */
  decoderStats(): { frames: number; badCrc: number; unknown: number; malformed: number } {
    const s = { frames: 0, badCrc: 0, unknown: 0, malformed: 0 };
    for (const d of this.decoders.values()) {
      s.frames += d.stats.frames;
      s.badCrc += d.stats.badCrc;
      s.unknown += d.stats.unknown;
      s.malformed += d.stats.malformed;
    }
    return s;
  }

  /** Stops timers and closes every link. */
  async close(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    for (const w of this.waiters) this.waiters.delete(w);
    await Promise.all(this.links.map((l) => l.close().catch(() => undefined)));
  }

  // ------------------------------------------------------------------ input

  private onBytes(link: GcsLink, peer: string, bytes: Buffer): void {
    this.emit('raw', link, peer, bytes);
    const key = `${link.name}|${peer}`;
    let dec = this.decoders.get(key);
    if (!dec) {
      // Bound the table: a flood of spoofed UDP senders must not grow it without end.
      if (this.decoders.size > 4096) this.decoders.clear();
      dec = new MavlinkDecoder((m) => this.onMessage(link, peer, m), link.framing);
      this.decoders.set(key, dec);
    }
    const before = { ...dec.stats };
    dec.push(bytes);
    if (this.metrics) {
      const s = dec.stats;
      if (s.badCrc > before.badCrc) this.metrics.dropped.inc({ reason: 'bad-crc' }, s.badCrc - before.badCrc);
      if (s.unknown > before.unknown) this.metrics.dropped.inc({ reason: 'unknown' }, s.unknown - before.unknown);
      if (s.malformed > before.malformed) this.metrics.dropped.inc({ reason: 'malformed' }, s.malformed - before.malformed);
    }
  }

  private onMessage(link: GcsLink, peer: string, m: MavMessage): void {
    if (this.signer && !(m.signed && this.signer.verify(m.frame, m.sysId, m.compId))) {
      this.badSignatures += 1;
      this.metrics?.dropped.inc({ reason: 'bad-signature' });
      return;
    }
    this.metrics?.frames.inc();
    if (m.sysId === this.sysId) return; // our own echo (a relay looping back)
    let v = this.registryBySys.get(m.sysId);
    const d = m.data;
    if (d instanceof minimal.Heartbeat) {
      // Only autopilots are vehicles: other GCSs (type 6) and invalid autopilots (8) are not.
      if (d.type === 6 || d.autopilot === 8) return;
      const now = Date.now();
      if (!v) {
        v = { sysId: m.sysId, compId: m.compId, autopilot: d.autopilot, type: d.type, link, peer, lastHeartbeatMs: now, lastPositionMs: 0, streamsRequestedMs: 0, linked: true, telemetry: new TelemetryNormaliser(m.sysId), quality: new SequenceQuality() };
        this.registryBySys.set(m.sysId, v);
        this.log.info({ sysId: m.sysId, link: link.name, peer }, 'vehicle discovered');
        this.emit('vehicle', v);
        this.requestStreams(v);
      } else {
        v.link = link;
        v.peer = peer;
        v.lastHeartbeatMs = now;
        v.compId = m.compId;
        if (!v.linked) {
          v.linked = true;
          this.raise(v, 'link-restored', 'info', `无人机 ${v.sysId} 数据链路已恢复 / link to vehicle ${v.sysId} restored`);
          this.requestStreams(v);
        }
      }
    }
    if (!v) return; // nothing but a heartbeat makes a vehicle
    v.telemetry.setLinkQuality(v.quality.observe(m.seq) * 100);
    if (v.telemetry.apply(d, Date.now())) {
      v.lastPositionMs = Date.now();
      this.emit('telemetry', v.telemetry.snapshot());
    }
    if (d instanceof common.StatusText) {
      v.lastStatusText = { text: d.text, severity: d.severity, atMs: Date.now() };
      if (d.severity <= 4) {
        const kind = /fence/i.test(d.text) ? 'fence-breach' : /failsafe|emergency/i.test(d.text) ? 'failsafe' : 'status-text';
        this.raise(v, kind, d.severity <= 2 ? 'critical' : 'warning', `无人机 ${v.sysId}：${d.text}`);
      }
    }
    for (const w of this.waiters) if (w.sysId === m.sysId && w.match(m)) w.resolve(m);
    this.emit('message', v, m);
  }

  private raise(v: Vehicle, kind: VehicleAlarm['kind'], level: VehicleAlarm['level'], message: string): void {
    this.metrics?.alarms.inc({ kind });
    const alarm: VehicleAlarm = { sysId: v.sysId, kind, level, message, ts: new Date().toISOString() };
    this.log[level === 'info' ? 'info' : 'warn']({ sysId: v.sysId, kind }, message);
    this.emit('alarm', alarm);
  }

  // ------------------------------------------------------------------ output

  private heartbeat(): void {
    const hb = new minimal.Heartbeat();
    hb.type = 6; // MAV_TYPE_GCS
    hb.autopilot = 8; // MAV_AUTOPILOT_INVALID
    hb.baseMode = 0 as minimal.MavModeFlag;
    hb.customMode = 0;
    hb.systemStatus = 4;
    hb.mavlinkVersion = 3;
    const frame = this.enc.encode(hb);
    for (const v of this.registryBySys.values()) v.link.send(frame, v.peer);
  }

  private watchdog(): void {
    const now = Date.now();
    let linked = 0;
    for (const v of this.registryBySys.values()) {
      if (v.linked && now - v.lastHeartbeatMs > this.linkLossMs) {
        v.linked = false;
        this.raise(v, 'link-lost', 'critical', `无人机 ${v.sysId} 数据链路中断（${((now - v.lastHeartbeatMs) / 1000).toFixed(1)} 秒无心跳）/ link to vehicle ${v.sysId} lost`);
      }
      // ArduPilot sends no streams until asked; ask again while positions stay away.
      if (v.linked && now - v.lastPositionMs > 3000 && now - v.streamsRequestedMs > 2000) this.requestStreams(v);
      if (v.linked) linked += 1;
    }
    this.metrics?.vehicles.set(linked);
  }

  /** Asks a vehicle for its telemetry streams, both ways ArduPilot understands. */
  private requestStreams(v: Vehicle): void {
    v.streamsRequestedMs = Date.now();
    const rates: Array<[number, number]> = [
      [2, 1], // EXTENDED_STATUS: SYS_STATUS, MISSION_CURRENT
      [6, this.positionHz], // POSITION: GLOBAL_POSITION_INT
      [10, this.positionHz], // EXTRA1: ATTITUDE
      [11, 2], // EXTRA2: VFR_HUD
      [12, 1], // EXTRA3: BATTERY_STATUS, HOME_POSITION
    ];
    for (const [stream, hz] of rates) {
      const r = new common.RequestDataStream();
      r.reqStreamId = stream;
      r.reqMessageRate = hz;
      r.startStop = 1;
      this.send(v.sysId, r);
    }
    const c = new common.CommandLong();
    c.command = 511; // MAV_CMD_SET_MESSAGE_INTERVAL
    c._param1 = 33; // GLOBAL_POSITION_INT
    c._param2 = Math.round(1e6 / this.positionHz);
    this.send(v.sysId, c);
  }
}
