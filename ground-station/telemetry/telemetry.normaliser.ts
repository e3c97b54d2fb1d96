/**
 * Folds a vehicle's MAVLink messages into one normalised `VehicleTelemetry` (SI units, degrees,
 * mode names), the way traccar's decoders all emit one canonical Position. Pure.
 */
import { common, minimal, type MavLinkData } from 'node-mavlink';
import { copterModeName, type VehicleTelemetry } from '../../protocol/vehicle.schema.ts';

const MAV_STATE_NAMES = ['UNINIT', 'BOOT', 'CALIBRATING', 'STANDBY', 'ACTIVE', 'CRITICAL', 'EMERGENCY', 'POWEROFF', 'FLIGHT_TERMINATION'];
const RAD_TO_DEG = 180 / Math.PI;

/** The normaliser of one vehicle. */
export class TelemetryNormaliser {
  private t: VehicleTelemetry;
  /** Whether a position has arrived (telemetry is meaningless before). */
  hasPosition = false;

  constructor(sysId: number) {
    this.t = {
      sysId,
      ts: new Date(0).toISOString(),
      armed: false,
      mode: 'UNKNOWN',
      systemStatus: 'UNINIT',
      lat: 0,
      lon: 0,
      altAmslM: 0,
      altRelM: 0,
      headingDeg: 0,
      groundSpeedMps: 0,
      climbMps: 0,
      rollDeg: 0,
      pitchDeg: 0,
      batteryPct: -1,
      voltageV: 0,
      linkQualityPct: 100,
    };
  }

  /** Folds one message in; returns true when it was a position (the moment to publish). */
  apply(d: MavLinkData, nowMs: number): boolean {
    const t = this.t;
    if (d instanceof minimal.Heartbeat) {
      t.armed = (d.baseMode & 128) !== 0;
      t.mode = (d.baseMode & 1) !== 0 ? copterModeName(d.customMode) : 'UNKNOWN';
      t.systemStatus = MAV_STATE_NAMES[d.systemStatus] ?? `STATE_${d.systemStatus}`;
    } else if (d instanceof common.GlobalPositionInt) {
      t.lat = d.lat / 1e7;
      t.lon = d.lon / 1e7;
      t.altAmslM = d.alt / 1000;
      t.altRelM = d.relativeAlt / 1000;
      t.groundSpeedMps = Math.hypot(d.vx, d.vy) / 100;
      t.climbMps = -d.vz / 100;
      if (d.hdg !== 65535) t.headingDeg = (d.hdg / 100) % 360;
      t.ts = new Date(nowMs).toISOString();
      this.hasPosition = true;
      return true;
    } else if (d instanceof common.Attitude) {
      t.rollDeg = d.roll * RAD_TO_DEG;
      t.pitchDeg = d.pitch * RAD_TO_DEG;
    } else if (d instanceof common.VfrHud) {
      t.groundSpeedMps = Math.max(0, d.groundspeed);
      t.climbMps = d.climb;
    } else if (d instanceof common.SysStatus) {
      if (d.batteryRemaining >= 0) t.batteryPct = d.batteryRemaining;
      if (d.voltageBattery !== 65535) t.voltageV = d.voltageBattery / 1000;
    } else if (d instanceof common.BatteryStatus) {
      if (d.batteryRemaining >= 0) t.batteryPct = d.batteryRemaining;
      const cells = d.voltages.filter((v) => v !== 65535 && v > 0);
      if (cells.length) t.voltageV = cells.reduce((a, b) => a + b, 0) / 1000;
    } else if (d instanceof common.HomePosition) {
      t.home = { lat: d.latitude / 1e7, lon: d.longitude / 1e7, altAmslM: d.altitude / 1000 };
    } else if (d instanceof common.MissionCurrent) {
      t.missionSeq = d.seq;
    }
    return false;
  }

  /** Sets the link quality, percent. */
  setLinkQuality(pct: number): void {
    this.t.linkQualityPct = Math.max(0, Math.min(100, Math.round(pct * 10) / 10));
  }

  /** A copy of the current telemetry. */
  snapshot(): VehicleTelemetry {
    return { ...this.t, ...(this.t.home ? { home: { ...this.t.home } } : {}) };
  }
}

/**
 * Link quality from MAVLink sequence numbers: each gap in a sender's 8-bit sequence counts as lost
 * packets; the share received is smoothed over about the last 200 packets.
 */
export class SequenceQuality {
  private last: number | undefined;
  private quality = 1;

  /** Takes the next sequence number; returns the quality 0–1. */
  observe(seq: number): number {
    if (this.last !== undefined) {
      const gap = (seq - this.last - 1) & 0xff;
      // A huge gap is a restart of the sender, not 200 lost packets.
      const lost = gap > 128 ? 0 : gap;
      const alpha = 1 / 200;
      for (let i = 0; i < lost; i++) this.quality += alpha * (0 - this.quality);
      this.quality += alpha * (1 - this.quality);
    }
    this.last = seq;
    return this.quality;
  }
}
