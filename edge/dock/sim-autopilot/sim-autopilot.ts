/**
 * SIMULATOR — a simulated ArduPilot Copter autopilot speaking MAVLink 2. It stands in for the real
 * flight controller of a dock's drone (or for ArduPilot SITL) and behaves the way ArduPilot
 * documents: HEARTBEAT with Copter custom modes; no telemetry streams until asked
 * (REQUEST_DATA_STREAM or MAV_CMD_SET_MESSAGE_INTERVAL); arming refused until the estimator is
 * ready, with the reason in STATUSTEXT; GUIDED take-off, go-to (MAV_CMD_DO_REPOSITION or
 * SET_POSITION_TARGET_GLOBAL_INT), RTL, LAND, MAV_CMD_MISSION_START; mission/fence/rally lists
 * (item 0 = home); failsafes on low battery, lost ground-station link and fence breach.
 *
 * Physics runs `timeScale` times faster than the wall clock (tests fly 2 km in seconds); the
 * link (telemetry rates, heartbeat, the ground-station failsafe timeout) runs on wall time.
 */
import { common, minimal, type MavLinkData } from 'node-mavlink';
import type { Logger } from '../../../common/logger.ts';
import { COPTER_MODES, copterModeName } from '../../../protocol/vehicle.schema.ts';
import { MavlinkDecoder, MavlinkEncoder, type MavMessage } from '../../../common/mavlink/mavlink-codec.ts';
import { MavlinkSigner } from '../../../common/mavlink/mavlink-signing.ts';
import type { ByteEndpoint } from '../mavlink/byte-endpoint.ts';
import { distanceM, insidePolygon, offsetNeM, type LatLon } from './geo.ts';
import { AUTOPILOT_TUNING } from '../../../protocol/airframe.ts';
import { DEFAULT_AIRFRAME, stepKinematics, type AirframeParams, type KinematicState, type KinematicTarget } from './sim-kinematics.ts';
import { SimMissionStore, type StoredItem } from './sim-mission-store.ts';

/** Options of the simulated autopilot. */
export interface SimAutopilotOptions {
  sysId: number;
  home: LatLon & { altAmslM: number };
  endpoint: ByteEndpoint;
  log: Logger;
  /** Physics seconds per wall second (1 = real time). */
  timeScale?: number;
  airframe?: Partial<AirframeParams>;
  /** Sim seconds after boot until the estimator is ready and arming is allowed. */
  ekfReadyAfterS?: number;
  /** Ground-station heartbeat timeout before the GCS failsafe (RTL), wall ms (ArduPilot FS_GCS_TIMEOUT 5 s). */
  gcsTimeoutMs?: number;
  /** Battery failsafes, percent: low → RTL, emergency → LAND (DOMAIN.md, Flight rules). */
  batteryLowPct?: number;
  batteryEmergencyPct?: number;
  /** RTL altitude above home, metres (ArduPilot RTL_ALT). */
  rtlAltM?: number;
  /** Altitude fence, metres above home (120 m rule). */
  fenceAltMaxM?: number;
  /** Answer MISSION_COUNT with the legacy MISSION_REQUEST. */
  legacyMissionRequests?: boolean;
  /** Called at each camera trigger of a mission (DO_DIGICAM_CONTROL, IMAGE_START_CAPTURE, DO_SET_CAM_TRIGG_DIST). */
  onCameraCapture?: (at: CameraCapture) => void;
  /** Physics step period, wall ms. */
  stepMs?: number;
  /** MAVLink 2 signing key: sign everything, ignore frames not signed with it (ArduPilot with signing set up). */
  signingKey?: Buffer;
}

/** Where the drone was at a camera trigger. */
export interface CameraCapture extends LatLon {
  /** Height above home (the dock), metres. */
  altRelM: number;
  /** Height above mean sea level, metres. */
  altAmslM: number;
  /** Heading of the drone (and the camera), degrees clockwise from north. */
  headingDeg: number;
  /** Wall-clock time of the trigger, ms since the epoch. */
  atMs: number;
}

/** Telemetry streams: message id → builder. */
type StreamName = 'SYS_STATUS' | 'GLOBAL_POSITION_INT' | 'ATTITUDE' | 'VFR_HUD' | 'BATTERY_STATUS' | 'MISSION_CURRENT' | 'HOME_POSITION';
const STREAM_IDS: Record<StreamName, number> = {
  SYS_STATUS: 1,
  GLOBAL_POSITION_INT: 33,
  ATTITUDE: 30,
  VFR_HUD: 74,
  BATTERY_STATUS: 147,
  MISSION_CURRENT: 42,
  HOME_POSITION: 242,
};
/** REQUEST_DATA_STREAM stream ids (MAV_DATA_STREAM) → messages ArduPilot sends in them. */
const DATA_STREAMS: Record<number, StreamName[]> = {
  2: ['SYS_STATUS', 'MISSION_CURRENT'], // EXTENDED_STATUS
  6: ['GLOBAL_POSITION_INT'], // POSITION
  10: ['ATTITUDE'], // EXTRA1
  11: ['VFR_HUD'], // EXTRA2
  12: ['BATTERY_STATUS', 'HOME_POSITION'], // EXTRA3
};

const GCS_SYSID_MIN = 200;
const MAV_RESULT = { ACCEPTED: 0, TEMPORARILY_REJECTED: 1, DENIED: 2, UNSUPPORTED: 3, FAILED: 4, IN_PROGRESS: 5 } as const;
const MAV_CMD = {
  NAV_WAYPOINT: 16,
  NAV_LOITER_TIME: 19,
  NAV_RETURN_TO_LAUNCH: 20,
  NAV_LAND: 21,
  NAV_TAKEOFF: 22,
  DO_SET_MODE: 176,
  DO_CHANGE_SPEED: 178,
  DO_REPOSITION: 192,
  DO_DIGICAM_CONTROL: 203,
  DO_SET_CAM_TRIGG_DIST: 206,
  MISSION_START: 300,
  COMPONENT_ARM_DISARM: 400,
  SET_MESSAGE_INTERVAL: 511,
  REQUEST_MESSAGE: 512,
  IMAGE_START_CAPTURE: 2000,
  FENCE_POLYGON_INCLUSION: 5001,
  FENCE_POLYGON_EXCLUSION: 5002,
  FENCE_CIRCLE_INCLUSION: 5003,
  FENCE_CIRCLE_EXCLUSION: 5004,
} as const;
/** Magic number of a forced disarm (MAV_CMD_COMPONENT_ARM_DISARM param2). */
const FORCE_DISARM = 21196;

interface Fence {
  inclusion: LatLon[][];
  exclusion: LatLon[][];
  inclusionCircles: Array<LatLon & { radiusM: number }>;
  exclusionCircles: Array<LatLon & { radiusM: number }>;
}

/** What the simulator exposes to tests and to the dock. */
export interface SimSnapshot {
  armed: boolean;
  mode: string;
  lat: number;
  lon: number;
  altRelM: number;
  batteryPct: number;
  landed: boolean;
  /** Failsafes triggered so far, in order. */
  failsafes: string[];
  cameraCaptures: number;
  /** Simulated seconds since the autopilot started (physics time, not wall time). */
  simTimeS: number;
  gcsLinked: boolean;
}

/** A simulated ArduPilot Copter on one MAVLink endpoint. */
export class SimAutopilot {
  private readonly enc: MavlinkEncoder;
  private readonly dec: MavlinkDecoder;
  private readonly air: AirframeParams;
  private readonly timeScale: number;
  private readonly missions: SimMissionStore;
  private state: KinematicState;
  private home: LatLon & { altAmslM: number };
  private simTimeS = 0;
  private readonly bootWallMs = Date.now();
  private armed = false;
  private customMode: number = COPTER_MODES.STABILIZE;
  private guidedTarget: (LatLon & { altRelM: number }) | null = null;
  private takeoffAltM: number | null = null;
  private holdAt: (LatLon & { altRelM: number }) | null = null;
  private rtlPhase: 'climb' | 'return' | 'land' = 'climb';
  private missionSeq = 0;
  private missionDwellUntilS = 0;
  private speedOverrideMps: number | undefined;
  private readonly streams = new Map<StreamName, { intervalMs: number; lastMs: number }>();
  private lastGcsHeartbeatMs: number | undefined;
  private gcsFailsafe = false;
  private batteryFailsafe: 'none' | 'low' | 'emergency' = 'none';
  private fence: Fence = { inclusion: [], exclusion: [], inclusionCircles: [], exclusionCircles: [] };
  private fenceBreached = false;
  private readonly failsafes: string[] = [];
  private cameraCaptures = 0;
  /** DO_SET_CAM_TRIGG_DIST: a photo every this many metres travelled (0 = off), and the metres since the last. */
  private camTriggerDistM = 0;
  private camTravelM = 0;
  private timers: NodeJS.Timeout[] = [];
  private lastHeartbeatMs = 0;
  private lastStepWallMs = Date.now();
  /** Frames sent (for tests and the bench). */
  framesSent = 0;
  /** Frames ignored for a missing, wrong or replayed signature. */
  badSignatures = 0;
  private readonly signer: MavlinkSigner | undefined;

  constructor(private readonly opts: SimAutopilotOptions) {
    this.signer = opts.signingKey ? new MavlinkSigner(opts.signingKey) : undefined;
    this.enc = new MavlinkEncoder(opts.sysId, 1, this.signer);
    this.air = { ...DEFAULT_AIRFRAME, ...opts.airframe };
    this.timeScale = opts.timeScale ?? 1;
    this.home = { ...opts.home };
    this.state = { lat: opts.home.lat, lon: opts.home.lon, altRelM: 0, northMps: 0, eastMps: 0, upMps: 0, headingDeg: 0, batteryPct: 100 };
    this.dec = new MavlinkDecoder((m) => this.onMessage(m));
    this.missions = new SimMissionStore({
      legacyRequests: opts.legacyMissionRequests ?? false,
      rerequestMs: 120,
      maxRerequests: 40,
      home: () => ({ latE7: Math.round(this.home.lat * 1e7), lonE7: Math.round(this.home.lon * 1e7), altAmslM: this.home.altAmslM }),
      send: (m) => this.send(m),
      onChanged: (type, items) => {
        if (type === 1) this.fence = parseFence(items);
        this.opts.log.debug({ sysId: opts.sysId, type, count: items.length }, 'sim: list stored');
      },
    });
    opts.endpoint.onData((b) => this.dec.push(b));
  }

  /** Starts the physics and the heartbeat. */
  start(): this {
    const stepMs = this.opts.stepMs ?? 20;
    this.lastStepWallMs = Date.now();
    this.timers.push(setInterval(() => this.tick(), stepMs));
    this.sendHeartbeat();
    this.statusText(6, 'ArduCopter V4.5.7 (yzg simulator)');
    return this;
  }

  /** Stops timers (the endpoint belongs to the caller). */
  stop(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.missions.close();
  }

  /** The state, for tests and for the dock. */
  snapshot(): SimSnapshot {
    return {
      armed: this.armed,
      mode: copterModeName(this.customMode),
      lat: this.state.lat,
      lon: this.state.lon,
      altRelM: this.state.altRelM,
      batteryPct: this.state.batteryPct,
      landed: this.state.altRelM <= 0.05,
      failsafes: [...this.failsafes],
      cameraCaptures: this.cameraCaptures,
      simTimeS: this.simTimeS,
      gcsLinked: this.lastGcsHeartbeatMs !== undefined && Date.now() - this.lastGcsHeartbeatMs < (this.opts.gcsTimeoutMs ?? 5000),
    };
  }

  /** Sets the wind (the dock's weather station feeds it). */
  setWind(windMps: number, windFromDeg: number): void {
    this.air.windMps = windMps;
    this.air.windFromDeg = windFromDeg;
  }

  /** Charges the battery (the dock does this while the drone sits in it). */
  charge(pct: number): void {
    if (!this.armed) this.state = { ...this.state, batteryPct: Math.min(100, this.state.batteryPct + pct) };
  }

  /** Drains the battery at once (tests of the battery failsafe). */
  drainTo(pct: number): void {
    this.state = { ...this.state, batteryPct: pct };
  }

  // ------------------------------------------------------------------ wire

  private send(msg: MavLinkData): void {
    this.framesSent += 1;
    this.opts.endpoint.send(this.enc.encode(msg));
  }

  private statusText(severity: number, text: string): void {
    const m = new common.StatusText();
    m.severity = severity;
    // STATUSTEXT is char[50]: ASCII only on the wire.
    m.text = text.replace(/[^\x20-\x7e]/g, '?').slice(0, 50);
    this.send(m);
  }

  private ack(command: number, result: number): void {
    const a = new common.CommandAck();
    a.command = command;
    a.result = result;
    this.send(a);
  }

  private onMessage(m: MavMessage): void {
    if (this.signer && !(m.signed && this.signer.verify(m.frame, m.sysId, m.compId))) {
      this.badSignatures += 1;
      return;
    }
    const d = m.data;
    if (d instanceof minimal.Heartbeat) {
      if (d.type === 6 || m.sysId >= GCS_SYSID_MIN) {
        this.lastGcsHeartbeatMs = Date.now();
        if (this.gcsFailsafe) {
          this.gcsFailsafe = false;
          this.statusText(6, 'GCS Failsafe Cleared');
        }
      }
      return;
    }
    if (this.missions.handle(d)) return;
    if (d instanceof common.CommandLong) {
      if (d.targetSystem !== 0 && d.targetSystem !== this.opts.sysId) return;
      return this.onCommand(d.command, [d._param1, d._param2, d._param3, d._param4, d._param5, d._param6, d._param7]);
    }
    if (d instanceof common.CommandInt) {
      if (d.targetSystem !== 0 && d.targetSystem !== this.opts.sysId) return;
      return this.onCommand(d.command, [d._param1, d._param2, d._param3, d._param4, d._param5 / 1e7, d._param6 / 1e7, d._param7]);
    }
    if (d instanceof common.SetMode) {
      if (d.targetSystem === this.opts.sysId) this.setMode(d.customMode);
      return;
    }
    if (d instanceof common.SetPositionTargetGlobalInt) {
      if (this.armed && this.customMode === COPTER_MODES.GUIDED && !this.landed()) {
        this.guidedTarget = { lat: d.latInt / 1e7, lon: d.lonInt / 1e7, altRelM: d.alt };
        this.takeoffAltM = null;
      }
      return;
    }
    if (d instanceof common.RequestDataStream) {
      const ids = d.reqStreamId === 0 ? Object.keys(DATA_STREAMS).map(Number) : [d.reqStreamId];
      for (const id of ids) {
        for (const name of DATA_STREAMS[id] ?? []) {
          if (d.startStop === 0 || d.reqMessageRate === 0) this.streams.delete(name);
          else this.streams.set(name, { intervalMs: 1000 / d.reqMessageRate, lastMs: 0 });
        }
      }
    }
  }

  private landed(): boolean {
    return this.state.altRelM <= 0.05;
  }

  private onCommand(cmd: number, p: number[]): void {
    switch (cmd) {
      case MAV_CMD.COMPONENT_ARM_DISARM:
        return this.ack(cmd, p[0] === 1 ? this.arm() : this.disarm(p[1] === FORCE_DISARM));
      case MAV_CMD.DO_SET_MODE:
        return this.ack(cmd, this.setMode(p[1]!));
      case MAV_CMD.NAV_TAKEOFF: {
        // A resent take-off (its ACK was lost) finds us climbing already: accept it again.
        if (this.customMode === COPTER_MODES.GUIDED && this.armed && !this.landed() && this.takeoffAltM !== null) return this.ack(cmd, MAV_RESULT.ACCEPTED);
        if (this.customMode !== COPTER_MODES.GUIDED || !this.armed || !this.landed()) {
          this.statusText(4, 'Takeoff: need GUIDED, armed and landed');
          return this.ack(cmd, MAV_RESULT.FAILED);
        }
        this.takeoffAltM = Math.min(p[6]!, this.opts.fenceAltMaxM ?? 120);
        this.guidedTarget = null;
        this.statusText(6, `Takeoff to ${this.takeoffAltM.toFixed(0)} m`);
        return this.ack(cmd, MAV_RESULT.ACCEPTED);
      }
      case MAV_CMD.DO_REPOSITION: {
        if (!this.armed || this.landed()) return this.ack(cmd, MAV_RESULT.DENIED);
        // param2 bit 0: MAV_DO_REPOSITION_FLAGS_CHANGE_MODE (ArduPilot switches to GUIDED).
        if (this.customMode !== COPTER_MODES.GUIDED) {
          if ((p[1]! & 1) === 0) return this.ack(cmd, MAV_RESULT.DENIED);
          this.enterMode(COPTER_MODES.GUIDED);
        }
        const lat = p[4]!;
        const lon = p[5]!;
        if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) return this.ack(cmd, MAV_RESULT.DENIED);
        this.guidedTarget = { lat, lon, altRelM: Number.isFinite(p[6]) ? Math.min(p[6]!, this.opts.fenceAltMaxM ?? 120) : this.state.altRelM };
        this.takeoffAltM = null;
        this.speedOverrideMps = p[0]! > 0 ? p[0] : undefined;
        return this.ack(cmd, MAV_RESULT.ACCEPTED);
      }
      case MAV_CMD.NAV_RETURN_TO_LAUNCH:
        return this.ack(cmd, this.setMode(COPTER_MODES.RTL));
      case MAV_CMD.NAV_LAND:
        return this.ack(cmd, this.setMode(COPTER_MODES.LAND));
      case MAV_CMD.MISSION_START: {
        if (this.missions.items(0).length < 2) {
          this.statusText(4, 'Mission: no mission');
          return this.ack(cmd, MAV_RESULT.FAILED);
        }
        if (!this.armed) return this.ack(cmd, MAV_RESULT.FAILED);
        this.missionSeq = Math.max(1, Math.floor(p[0] ?? 1));
        this.enterMode(COPTER_MODES.AUTO);
        return this.ack(cmd, MAV_RESULT.ACCEPTED);
      }
      case MAV_CMD.SET_MESSAGE_INTERVAL: {
        const name = (Object.keys(STREAM_IDS) as StreamName[]).find((n) => STREAM_IDS[n] === p[0]);
        if (!name) return this.ack(cmd, MAV_RESULT.UNSUPPORTED);
        const us = p[1]!;
        if (us < 0) this.streams.delete(name);
        else this.streams.set(name, { intervalMs: us === 0 ? 1000 : us / 1000, lastMs: 0 });
        return this.ack(cmd, MAV_RESULT.ACCEPTED);
      }
      case MAV_CMD.REQUEST_MESSAGE: {
        const name = (Object.keys(STREAM_IDS) as StreamName[]).find((n) => STREAM_IDS[n] === p[0]);
        if (!name) return this.ack(cmd, MAV_RESULT.UNSUPPORTED);
        this.ack(cmd, MAV_RESULT.ACCEPTED);
        return this.emit(name);
      }
      case MAV_CMD.IMAGE_START_CAPTURE:
      case MAV_CMD.DO_DIGICAM_CONTROL:
        this.capture();
        return this.ack(cmd, MAV_RESULT.ACCEPTED);
      case MAV_CMD.DO_SET_CAM_TRIGG_DIST:
        this.setCamTrigger(p[0]!, p[2] === 1);
        return this.ack(cmd, MAV_RESULT.ACCEPTED);
      default:
        return this.ack(cmd, MAV_RESULT.UNSUPPORTED);
    }
  }

  private arm(): number {
    if (this.armed) return MAV_RESULT.ACCEPTED;
    if (this.simTimeS < (this.opts.ekfReadyAfterS ?? 5)) {
      this.statusText(3, 'PreArm: EKF3 waiting for GPS config data');
      return MAV_RESULT.FAILED;
    }
    if (this.state.batteryPct < (this.opts.batteryLowPct ?? 15) + 5) {
      this.statusText(3, 'PreArm: Battery below minimum arming capacity');
      return MAV_RESULT.FAILED;
    }
    if (this.customMode === COPTER_MODES.RTL || this.customMode === COPTER_MODES.LAND || this.customMode === COPTER_MODES.AUTO) {
      this.statusText(3, 'Arm: Mode not armable');
      return MAV_RESULT.FAILED;
    }
    this.armed = true;
    // ArduPilot sets home at arming.
    this.home = { lat: this.state.lat, lon: this.state.lon, altAmslM: this.home.altAmslM };
    this.missions.refreshHome();
    this.batteryFailsafe = 'none';
    this.fenceBreached = false;
    this.statusText(6, 'Arming motors');
    return MAV_RESULT.ACCEPTED;
  }

  private disarm(force: boolean): number {
    if (!this.armed) return MAV_RESULT.ACCEPTED;
    if (!this.landed() && !force) {
      this.statusText(3, 'Disarm: vehicle is flying');
      return MAV_RESULT.DENIED;
    }
    this.armed = false;
    this.camTriggerDistM = 0;
    this.takeoffAltM = null;
    this.guidedTarget = null;
    this.statusText(force && !this.landed() ? 2 : 6, force && !this.landed() ? 'EMERGENCY STOP: motors off in flight' : 'Disarming motors');
    return MAV_RESULT.ACCEPTED;
  }

  private setMode(mode: number): number {
    const known = (Object.values(COPTER_MODES) as number[]).includes(mode);
    if (!known) return MAV_RESULT.UNSUPPORTED;
    if (mode === COPTER_MODES.AUTO && this.missions.items(0).length < 2) {
      this.statusText(4, 'Mode change to AUTO failed: no mission');
      return MAV_RESULT.FAILED;
    }
    this.enterMode(mode);
    return MAV_RESULT.ACCEPTED;
  }

  private enterMode(mode: number): void {
    if (mode === this.customMode) return;
    this.customMode = mode;
    const here = { lat: this.state.lat, lon: this.state.lon, altRelM: this.state.altRelM };
    this.holdAt = here;
    if (mode === COPTER_MODES.RTL) this.rtlPhase = 'climb';
    if (mode === COPTER_MODES.GUIDED) {
      this.guidedTarget = this.landed() ? null : here;
    }
    if (mode === COPTER_MODES.AUTO && this.missionSeq < 1) this.missionSeq = 1;
    this.sendHeartbeat();
  }

  private failsafe(kind: string, mode: number, text: string): void {
    this.failsafes.push(kind);
    this.statusText(2, text);
    this.enterMode(mode);
  }

  /** DO_SET_CAM_TRIGG_DIST: param1 distance (0 stops), param3 1 = one photo now. */
  private setCamTrigger(distM: number, now: boolean): void {
    this.camTriggerDistM = Number.isFinite(distM) && distM > 0 ? distM : 0;
    this.camTravelM = 0;
    if (now) this.capture();
  }

  private capture(): void {
    this.cameraCaptures += 1;
    const { lat, lon, altRelM, headingDeg } = this.state;
    this.opts.onCameraCapture?.({ lat, lon, altRelM, altAmslM: this.home.altAmslM + altRelM, headingDeg: ((headingDeg % 360) + 360) % 360, atMs: Date.now() });
  }

  // ------------------------------------------------------------------ physics

  private tick(): void {
    const now = Date.now();
    let dtS = ((now - this.lastStepWallMs) / 1000) * this.timeScale;
    this.lastStepWallMs = now;
    // Sub-steps of at most 0.1 sim seconds keep the position loop stable at high time scales.
    while (dtS > 1e-6) {
      const h = Math.min(0.1, dtS);
      this.physicsStep(h);
      dtS -= h;
    }
    this.checkFailsafes(now);
    if (now - this.lastHeartbeatMs >= 1000) this.sendHeartbeat();
    for (const [name, s] of this.streams) {
      if (now - s.lastMs >= s.intervalMs) {
        s.lastMs = now;
        this.emit(name);
      }
    }
  }

  private target(): KinematicTarget {
    const s = this.state;
    const here = { lat: s.lat, lon: s.lon };
    if (!this.armed) return { horizontal: null, altRelM: 0, freeFall: !this.landed() };
    switch (this.customMode) {
      case COPTER_MODES.GUIDED:
        if (this.takeoffAltM !== null) return { horizontal: null, altRelM: this.takeoffAltM };
        if (this.guidedTarget) return { horizontal: this.guidedTarget, altRelM: this.guidedTarget.altRelM, speedMps: this.speedOverrideMps };
        return { horizontal: this.holdAt ?? here, altRelM: this.holdAt?.altRelM ?? s.altRelM };
      case COPTER_MODES.LAND:
        return { horizontal: this.holdAt ?? here, altRelM: 0, landing: true };
      case COPTER_MODES.RTL: {
        const rtlAlt = Math.max(this.opts.rtlAltM ?? AUTOPILOT_TUNING.rtlAltM, 0);
        if (this.rtlPhase === 'climb') {
          if (s.altRelM >= rtlAlt - 0.5 || distanceM(here, this.home) < 5) this.rtlPhase = 'return';
          else return { horizontal: this.holdAt ?? here, altRelM: rtlAlt };
        }
        if (this.rtlPhase === 'return') {
          if (distanceM(here, this.home) < AUTOPILOT_TUNING.rtlLandRadiusM) this.rtlPhase = 'land';
          else return { horizontal: this.home, altRelM: Math.max(rtlAlt, Math.min(s.altRelM, 120)) };
        }
        return { horizontal: this.home, altRelM: 0, landing: true };
      }
      case COPTER_MODES.AUTO:
        return this.missionTarget();
      default:
        return { horizontal: this.holdAt ?? here, altRelM: this.holdAt?.altRelM ?? s.altRelM };
    }
  }

  private missionTarget(): KinematicTarget {
    const s = this.state;
    const items = this.missions.items(0);
    for (let guard = 0; guard < 50; guard++) {
      const it = items[this.missionSeq];
      if (!it) {
        // End of mission: ArduPilot holds at the last position.
        this.statusText(6, 'Mission complete');
        this.enterMode(COPTER_MODES.LOITER);
        return { horizontal: { lat: s.lat, lon: s.lon }, altRelM: s.altRelM };
      }
      const pos = { lat: it.x / 1e7, lon: it.y / 1e7 };
      const hasPos = it.x !== 0 || it.y !== 0;
      switch (it.command) {
        case MAV_CMD.NAV_TAKEOFF:
          if (s.altRelM < it.z - AUTOPILOT_TUNING.takeoffToleranceM) return { horizontal: null, altRelM: it.z };
          break;
        case MAV_CMD.NAV_WAYPOINT:
        case MAV_CMD.NAV_LOITER_TIME: {
          const tgt = hasPos ? pos : { lat: s.lat, lon: s.lon };
          if (distanceM(s, tgt) > AUTOPILOT_TUNING.waypointRadiusM || Math.abs(s.altRelM - it.z) > AUTOPILOT_TUNING.waypointAltToleranceM) {
            this.missionDwellUntilS = 0;
            return { horizontal: tgt, altRelM: it.z, speedMps: this.speedOverrideMps };
          }
          const holdS = it.command === MAV_CMD.NAV_LOITER_TIME ? it.param1 : it.param1; // param1 = hold time, s
          if (holdS > 0) {
            if (this.missionDwellUntilS === 0) this.missionDwellUntilS = this.simTimeS + holdS;
            if (this.simTimeS < this.missionDwellUntilS) return { horizontal: tgt, altRelM: it.z };
            this.missionDwellUntilS = 0;
          }
          break;
        }
        case MAV_CMD.NAV_RETURN_TO_LAUNCH:
          this.reached();
          this.enterMode(COPTER_MODES.RTL);
          return this.target();
        case MAV_CMD.NAV_LAND:
          this.reached();
          this.holdAt = hasPos ? { ...pos, altRelM: s.altRelM } : { lat: s.lat, lon: s.lon, altRelM: s.altRelM };
          this.enterMode(COPTER_MODES.LAND);
          this.holdAt = hasPos ? { ...pos, altRelM: s.altRelM } : this.holdAt;
          return this.target();
        case MAV_CMD.DO_CHANGE_SPEED:
          if (it.param2 > 0) this.speedOverrideMps = it.param2;
          break;
        case MAV_CMD.DO_DIGICAM_CONTROL:
        case MAV_CMD.IMAGE_START_CAPTURE:
          this.capture();
          break;
        case MAV_CMD.DO_SET_CAM_TRIGG_DIST:
          this.setCamTrigger(it.param1, it.param3 === 1);
          break;
        default:
          break;
      }
      this.reached();
    }
    return { horizontal: { lat: s.lat, lon: s.lon }, altRelM: s.altRelM };
  }

  private reached(): void {
    const r = new common.MissionItemReached();
    r.seq = this.missionSeq;
    this.send(r);
    this.missionSeq += 1;
    this.emit('MISSION_CURRENT');
  }

  private physicsStep(dtS: number): void {
    this.simTimeS += dtS;
    const wasAirborne = !this.landed();
    const t = this.target();
    const before = this.state;
    this.state = stepKinematics(this.state, t, dtS, this.air);
    if (this.camTriggerDistM > 0 && this.armed) {
      this.camTravelM += distanceM(before, this.state);
      if (this.camTravelM >= this.camTriggerDistM) {
        this.camTravelM -= this.camTriggerDistM;
        this.capture();
      }
    }
    if (this.takeoffAltM !== null && this.state.altRelM >= this.takeoffAltM - 0.3) {
      this.holdAt = { lat: this.state.lat, lon: this.state.lon, altRelM: this.takeoffAltM };
      this.takeoffAltM = null;
    }
    // ArduPilot disarms automatically after landing.
    if (wasAirborne && this.landed() && this.armed) {
      this.armed = false;
      this.camTriggerDistM = 0;
      this.statusText(6, 'Land complete, disarming');
      if (this.customMode === COPTER_MODES.RTL || this.customMode === COPTER_MODES.LAND) this.enterMode(COPTER_MODES.LOITER);
    }
    if (!this.armed && this.landed()) this.state = { ...this.state, upMps: 0 };
  }

  private checkFailsafes(nowMs: number): void {
    if (!this.armed || this.landed()) return;
    const mode = this.customMode;
    const inReturn = mode === COPTER_MODES.RTL || mode === COPTER_MODES.LAND;
    const pct = this.state.batteryPct;
    if (pct <= (this.opts.batteryEmergencyPct ?? 5) && this.batteryFailsafe !== 'emergency') {
      this.batteryFailsafe = 'emergency';
      return this.failsafe('battery-emergency', COPTER_MODES.LAND, `Battery failsafe: ${pct.toFixed(0)}% critical, landing`);
    }
    if (pct <= (this.opts.batteryLowPct ?? 15) && this.batteryFailsafe === 'none') {
      this.batteryFailsafe = 'low';
      if (!inReturn) return this.failsafe('battery-low', COPTER_MODES.RTL, `Battery failsafe: ${pct.toFixed(0)}% low, RTL`);
    }
    const gcsTimeout = this.opts.gcsTimeoutMs ?? 5000;
    if (this.lastGcsHeartbeatMs !== undefined && !this.gcsFailsafe && nowMs - this.lastGcsHeartbeatMs > gcsTimeout) {
      this.gcsFailsafe = true;
      if (!inReturn) return this.failsafe('gcs-lost', COPTER_MODES.RTL, 'GCS Failsafe: link lost, RTL');
    }
    if (!this.fenceBreached && this.fenceBreach()) {
      this.fenceBreached = true;
      if (!inReturn) return this.failsafe('fence-breach', COPTER_MODES.RTL, 'Fence Breach: RTL');
    }
  }

  private fenceBreach(): boolean {
    const p = { lat: this.state.lat, lon: this.state.lon };
    if (this.state.altRelM > (this.opts.fenceAltMaxM ?? 120) + 2) return true;
    const f = this.fence;
    if (f.inclusion.some((poly) => !insidePolygon(p, poly))) return true;
    if (f.exclusion.some((poly) => insidePolygon(p, poly))) return true;
    if (f.inclusionCircles.some((c) => distanceM(p, c) > c.radiusM)) return true;
    if (f.exclusionCircles.some((c) => distanceM(p, c) < c.radiusM)) return true;
    return false;
  }

  // ------------------------------------------------------------------ telemetry

  private sendHeartbeat(): void {
    this.lastHeartbeatMs = Date.now();
    const hb = new minimal.Heartbeat();
    hb.type = 2; // MAV_TYPE_QUADROTOR
    hb.autopilot = 3; // MAV_AUTOPILOT_ARDUPILOTMEGA
    hb.baseMode = 1 | 8 | 16 | (this.armed ? 128 : 0); // CUSTOM_MODE_ENABLED | GUIDED | STABILIZE | SAFETY_ARMED
    hb.customMode = this.customMode;
    hb.systemStatus = this.gcsFailsafe || this.batteryFailsafe !== 'none' ? 5 : this.armed ? 4 : 3;
    hb.mavlinkVersion = 3;
    this.send(hb);
  }

  private timeBootMs(): number {
    return (Date.now() - this.bootWallMs) >>> 0;
  }

  private emit(name: StreamName): void {
    const s = this.state;
    switch (name) {
      case 'GLOBAL_POSITION_INT': {
        const m = new common.GlobalPositionInt();
        m.timeBootMs = this.timeBootMs();
        m.lat = Math.round(s.lat * 1e7);
        m.lon = Math.round(s.lon * 1e7);
        m.alt = Math.round((this.home.altAmslM + s.altRelM) * 1000);
        m.relativeAlt = Math.round(s.altRelM * 1000);
        m.vx = Math.round(s.northMps * 100);
        m.vy = Math.round(s.eastMps * 100);
        m.vz = Math.round(-s.upMps * 100);
        m.hdg = Math.round(s.headingDeg * 100) % 36000;
        return this.send(m);
      }
      case 'ATTITUDE': {
        const m = new common.Attitude();
        m.timeBootMs = this.timeBootMs();
        // Lean into the motion: about 1.5° per m/s, axes rotated into the body frame.
        const yaw = (s.headingDeg * Math.PI) / 180;
        const fwd = s.northMps * Math.cos(yaw) + s.eastMps * Math.sin(yaw);
        const side = -s.northMps * Math.sin(yaw) + s.eastMps * Math.cos(yaw);
        m.pitch = (-fwd * 1.5 * Math.PI) / 180;
        m.roll = (side * 1.5 * Math.PI) / 180;
        m.yaw = yaw > Math.PI ? yaw - 2 * Math.PI : yaw;
        return this.send(m);
      }
      case 'VFR_HUD': {
        const m = new common.VfrHud();
        const gs = Math.hypot(s.northMps, s.eastMps);
        m.groundspeed = gs;
        m.airspeed = gs;
        m.heading = Math.round(s.headingDeg) % 360;
        m.throttle = this.armed ? 45 : 0;
        m.alt = this.home.altAmslM + s.altRelM;
        m.climb = s.upMps;
        return this.send(m);
      }
      case 'SYS_STATUS': {
        const m = new common.SysStatus();
        const present = 0x1 | 0x2 | 0x4 | 0x8 | 0x20 | 0x200000; // gyro, accel, mag, baro, gps, ahrs
        m.onboardControlSensorsPresent = present;
        m.onboardControlSensorsEnabled = present;
        m.onboardControlSensorsHealth = this.simTimeS < (this.opts.ekfReadyAfterS ?? 5) ? present & ~0x200000 : present;
        m.load = 250;
        m.voltageBattery = Math.round(voltageOf(s.batteryPct) * 1000);
        m.currentBattery = this.armed ? 2400 : 50;
        m.batteryRemaining = Math.round(s.batteryPct);
        return this.send(m);
      }
      case 'BATTERY_STATUS': {
        const m = new common.BatteryStatus();
        m.id = 0;
        m.batteryFunction = 1;
        m.type = 1; // LIPO
        m.temperature = 3200;
        const cellMv = Math.round((voltageOf(s.batteryPct) / 6) * 1000);
        m.voltages = [cellMv, cellMv, cellMv, cellMv, cellMv, cellMv, 65535, 65535, 65535, 65535];
        m.voltagesExt = [0, 0, 0, 0];
        m.currentBattery = this.armed ? 2400 : 50;
        m.currentConsumed = Math.round((100 - s.batteryPct) * 160);
        m.energyConsumed = -1;
        m.batteryRemaining = Math.round(s.batteryPct);
        m.timeRemaining = 0;
        m.chargeState = s.batteryPct <= (this.opts.batteryEmergencyPct ?? 5) ? 4 : s.batteryPct <= (this.opts.batteryLowPct ?? 15) ? 2 : 1;
        return this.send(m);
      }
      case 'MISSION_CURRENT': {
        const m = new common.MissionCurrent();
        m.seq = this.missionSeq;
        m.total = Math.max(0, this.missions.items(0).length - 1);
        m.missionState = this.customMode === COPTER_MODES.AUTO ? 3 : 1;
        return this.send(m);
      }
      case 'HOME_POSITION': {
        const m = new common.HomePosition();
        m.latitude = Math.round(this.home.lat * 1e7);
        m.longitude = Math.round(this.home.lon * 1e7);
        m.altitude = Math.round(this.home.altAmslM * 1000);
        m.q = [1, 0, 0, 0];
        m.timeUsec = BigInt(Date.now()) * 1000n;
        return this.send(m);
      }
    }
  }
}

/** Battery voltage of a 6S pack at a charge, volts. */
function voltageOf(pct: number): number {
  return 6 * (3.5 + 0.7 * (pct / 100));
}

/** Builds the fence from stored fence items (polygons are runs of vertices with param1 = count). */
function parseFence(items: StoredItem[]): Fence {
  const f: Fence = { inclusion: [], exclusion: [], inclusionCircles: [], exclusionCircles: [] };
  for (let i = 0; i < items.length; ) {
    const it = items[i]!;
    const p = { lat: it.x / 1e7, lon: it.y / 1e7 };
    if (it.command === MAV_CMD.FENCE_POLYGON_INCLUSION || it.command === MAV_CMD.FENCE_POLYGON_EXCLUSION) {
      const n = Math.max(3, Math.round(it.param1));
      const poly = items.slice(i, i + n).map((v) => ({ lat: v.x / 1e7, lon: v.y / 1e7 }));
      (it.command === MAV_CMD.FENCE_POLYGON_INCLUSION ? f.inclusion : f.exclusion).push(poly);
      i += n;
      continue;
    }
    if (it.command === MAV_CMD.FENCE_CIRCLE_INCLUSION) f.inclusionCircles.push({ ...p, radiusM: it.param1 });
    if (it.command === MAV_CMD.FENCE_CIRCLE_EXCLUSION) f.exclusionCircles.push({ ...p, radiusM: it.param1 });
    i += 1;
  }
  return f;
}

/** North/east of a point from home, metres (for logs and tests). */
export function fromHomeM(home: LatLon, p: LatLon): { northM: number; eastM: number } {
  return offsetNeM(home, p);
}
