/**
 * The dock's MAVLink relay between its drone's autopilot and the ground station. Only whole
 * frames with a good CRC cross (garbage on either side is counted and dropped, never forwarded,
 * never a crash); frames are forwarded as they came (signatures intact). The relay also watches
 * the autopilot's own messages so the dock knows its drone: armed, mode, height, battery.
 */
import { common, minimal } from 'node-mavlink';
import { copterModeName } from '../../../protocol/vehicle.schema.ts';
import type { ByteEndpoint } from './byte-endpoint.ts';
import { MavlinkDecoder } from '../../../common/mavlink/mavlink-codec.ts';

/** What the dock knows of its drone, from the relayed messages. */
export interface DroneObservation {
  sysId?: number;
  armed: boolean;
  mode: string;
  lat?: number;
  lon?: number;
  altRelM: number;
  batteryPct?: number;
  lastHeartbeatMs: number;
}

/** Counters of the relay. */
export interface RelayStats {
  up: number;
  down: number;
  droppedUp: number;
  droppedDown: number;
}

/** Relays frames both ways and observes the drone. */
export class MavlinkRelay {
  readonly drone: DroneObservation = { armed: false, mode: 'UNKNOWN', altRelM: 0, lastHeartbeatMs: 0 };
  readonly stats: RelayStats = { up: 0, down: 0, droppedUp: 0, droppedDown: 0 };
  private readonly fromAutopilot: MavlinkDecoder;
  private readonly fromGcs: MavlinkDecoder;

  constructor(
    private readonly autopilot: ByteEndpoint,
    private readonly gcs: ByteEndpoint,
  ) {
    this.fromAutopilot = new MavlinkDecoder((m) => {
      this.stats.up += 1;
      this.observe(m.sysId, m.data);
      this.gcs.send(m.frame);
    }, autopilot.framing);
    this.fromGcs = new MavlinkDecoder((m) => {
      this.stats.down += 1;
      this.autopilot.send(m.frame);
    }, gcs.framing);
    autopilot.onData((b) => this.push(this.fromAutopilot, b, 'droppedUp'));
    gcs.onData((b) => this.push(this.fromGcs, b, 'droppedDown'));
  }

  private push(dec: MavlinkDecoder, b: Buffer, counter: 'droppedUp' | 'droppedDown'): void {
    const before = dec.stats.badCrc + dec.stats.malformed + dec.stats.unknown;
    dec.push(b);
    this.stats[counter] += dec.stats.badCrc + dec.stats.malformed + dec.stats.unknown - before;
  }

  private observe(sysId: number, d: unknown): void {
    const o = this.drone;
    if (d instanceof minimal.Heartbeat) {
      if (d.type === 6) return;
      o.sysId = sysId;
      o.armed = (d.baseMode & 128) !== 0;
      o.mode = copterModeName(d.customMode);
      o.lastHeartbeatMs = Date.now();
    } else if (d instanceof common.GlobalPositionInt) {
      o.lat = d.lat / 1e7;
      o.lon = d.lon / 1e7;
      o.altRelM = d.relativeAlt / 1000;
    } else if (d instanceof common.SysStatus && d.batteryRemaining >= 0) {
      o.batteryPct = d.batteryRemaining;
    }
  }

  /** Whether the autopilot's heartbeat was heard within `withinMs`. */
  autopilotLinked(withinMs = 3000): boolean {
    return Date.now() - this.drone.lastHeartbeatMs < withinMs;
  }
}
