/**
 * Detects flights in a vehicle's telemetry: a take-off when it is armed and above 1 m, a landing
 * when it is disarmed on the ground (ArduPilot disarms after landing) or has sat armed on the
 * ground for 10 s. Accumulates distance, maximum height, battery and a simplified track. Pure.
 */
import { distance } from '@turf/turf';
import type { VehicleTelemetry } from '../../protocol/vehicle.schema.ts';

/** What a telemetry sample changed. */
export type FlightEvent =
  | { type: 'takeoff'; sysId: number; at: string; lat: number; lon: number; batteryPct: number }
  | { type: 'landed'; sysId: number; at: string; lat: number; lon: number; batteryPct: number; distanceM: number; maxAltRelM: number; track: number[][] };

interface Open {
  last: VehicleTelemetry;
  distanceM: number;
  maxAltRelM: number;
  track: number[][];
  lastTrackMs: number;
  groundSinceMs: number | undefined;
  batteryStartPct: number;
}

/** Track points: one per this many metres or seconds, whichever comes first; at most this many. */
const TRACK_EVERY_M = 25;
const TRACK_EVERY_MS = 10_000;
const TRACK_MAX_POINTS = 2000;
const TAKEOFF_ALT_M = 1;
const GROUND_ALT_M = 0.5;
const ARMED_ON_GROUND_MS = 10_000;
const MAX_STEP_M = 1000;

/** Flight detection for every vehicle. */
export class FlightTracker {
  private readonly open = new Map<number, Open>();

  /** Whether the vehicle is in a flight. */
  inFlight(sysId: number): boolean {
    return this.open.has(sysId);
  }

  /** Running figures of an open flight. */
  progress(sysId: number): { distanceM: number; maxAltRelM: number; track: number[][] } | undefined {
    const o = this.open.get(sysId);
    return o && { distanceM: o.distanceM, maxAltRelM: o.maxAltRelM, track: o.track };
  }

  /** Feeds one sample; returns the take-off or landing it completes, if any. */
  observe(t: VehicleTelemetry): FlightEvent | undefined {
    const o = this.open.get(t.sysId);
    const nowMs = Date.parse(t.ts);
    if (!o) {
      if (!(t.armed && t.altRelM > TAKEOFF_ALT_M)) return undefined;
      this.open.set(t.sysId, { last: t, distanceM: 0, maxAltRelM: t.altRelM, track: [point(t)], lastTrackMs: nowMs, groundSinceMs: undefined, batteryStartPct: Math.max(0, t.batteryPct) });
      return { type: 'takeoff', sysId: t.sysId, at: t.ts, lat: t.lat, lon: t.lon, batteryPct: Math.max(0, t.batteryPct) };
    }
    const stepM = distance([o.last.lon, o.last.lat], [t.lon, t.lat], { units: 'meters' });
    // A jump of a kilometre between two samples is a bad fix, not flight. (No speed test: the
    // simulator may run faster than the wall clock.)
    if (stepM < MAX_STEP_M) o.distanceM += stepM;
    o.maxAltRelM = Math.max(o.maxAltRelM, t.altRelM);
    const lastPt = o.track[o.track.length - 1]!;
    if (o.track.length < TRACK_MAX_POINTS && (distance([lastPt[0]!, lastPt[1]!], [t.lon, t.lat], { units: 'meters' }) >= TRACK_EVERY_M || nowMs - o.lastTrackMs >= TRACK_EVERY_MS)) {
      o.track.push(point(t));
      o.lastTrackMs = nowMs;
    }
    o.last = t;
    const onGround = t.altRelM < GROUND_ALT_M;
    o.groundSinceMs = onGround ? (o.groundSinceMs ?? nowMs) : undefined;
    const landed = onGround && (!t.armed || nowMs - (o.groundSinceMs ?? nowMs) >= ARMED_ON_GROUND_MS);
    if (!landed) return undefined;
    this.open.delete(t.sysId);
    o.track.push(point(t));
    return { type: 'landed', sysId: t.sysId, at: t.ts, lat: t.lat, lon: t.lon, batteryPct: Math.max(0, t.batteryPct), distanceM: o.distanceM, maxAltRelM: o.maxAltRelM, track: o.track };
  }
}

function point(t: VehicleTelemetry): number[] {
  return [Math.round(t.lon * 1e7) / 1e7, Math.round(t.lat * 1e7) / 1e7, Math.round(t.altRelM * 10) / 10];
}
