/**
 * The MAVLink mission protocol for mission, fence and rally lists (MISSION_COUNT →
 * MISSION_REQUEST_INT → MISSION_ITEM_INT … → MISSION_ACK, and the download mirror), with the
 * retries that let it survive lossy radios: the last message is resent when the vehicle stays
 * silent, duplicates are ignored. Handles ArduPilot's documented differences: it may request items
 * with the legacy MISSION_REQUEST and answer with MISSION_ITEM (float lat/lon), and mission item 0
 * is home — uploads put a placeholder there, downloads take it out.
 */
import { common, type MavLinkData } from 'node-mavlink';
import { MISSION_TYPES, type MissionItem, type MissionTransferOutcome, type MissionType } from '../../protocol/vehicle.schema.ts';
import type { GroundStation } from '../core/ground-station.ts';
import { MessageQueue } from './message-queue.ts';
import { RetransmitTimer } from './retransmit-timer.ts';

/** Timing of a transfer. */
export interface TransferOptions {
  /** Silence after which the last message is first resent, ms; then it adapts to the measured round trips. */
  resendMs?: number;
  /** Resends in a row before giving up. */
  retries?: number;
}

/** Result of an upload. */
export interface UploadResult {
  outcome: MissionTransferOutcome;
  /** MAV_MISSION_RESULT of the vehicle's final ACK. */
  result?: number;
  /** Messages sent, resends included. */
  sent: number;
  resends: number;
  elapsedMs: number;
}

/** Result of a download. */
export interface DownloadResult {
  outcome: MissionTransferOutcome;
  items: MissionItem[];
  /** Home, from ArduPilot's mission item 0. */
  home?: { lat: number; lon: number; altAmslM: number };
  resends: number;
  elapsedMs: number;
}

const DEFAULTS: Required<TransferOptions> = { resendMs: 300, retries: 20 };
/** MAV_AUTOPILOT_ARDUPILOTMEGA. */
const ARDUPILOT = 3;
const MISSION_INVALID_SEQUENCE = 13;

function isArduPilotMission(gcs: GroundStation, sysId: number, type: MissionType): boolean {
  return type === 'mission' && gcs.vehicle(sysId)?.autopilot === ARDUPILOT;
}

function toWire(it: MissionItem, seq: number, typeNo: number): common.MissionItemInt {
  const m = new common.MissionItemInt();
  m.seq = seq;
  m.frame = it.frame;
  m.command = it.command;
  m.current = 0;
  m.autocontinue = it.autocontinue ? 1 : 0;
  m.param1 = it.param1;
  m.param2 = it.param2;
  m.param3 = it.param3;
  m.param4 = it.param4;
  m.x = Math.round(it.lat * 1e7);
  m.y = Math.round(it.lon * 1e7);
  m.z = it.altM;
  m.missionType = typeNo;
  return m;
}

function fromWire(d: common.MissionItemInt | common.MissionItem): MissionItem {
  const isInt = d instanceof common.MissionItemInt;
  return {
    command: d.command,
    frame: d.frame,
    param1: d.param1,
    param2: d.param2,
    param3: d.param3,
    param4: d.param4,
    lat: isInt ? d.x / 1e7 : Math.round(d.x * 1e7) / 1e7,
    lon: isInt ? d.y / 1e7 : Math.round(d.y * 1e7) / 1e7,
    altM: d.z,
    autocontinue: d.autocontinue !== 0,
  };
}

/** A placeholder for ArduPilot's item 0 (home); the vehicle overwrites it. */
function homePlaceholder(): MissionItem {
  return { command: 16, frame: 0, param1: 0, param2: 0, param3: 0, param4: 0, lat: 0, lon: 0, altM: 0, autocontinue: true };
}

/** Uploads a list; for ArduPilot missions `items` exclude home (item 0 is added). */
export async function uploadItems(gcs: GroundStation, sysId: number, type: MissionType, items: MissionItem[], options: TransferOptions = {}): Promise<UploadResult> {
  const o = { ...DEFAULTS, ...options };
  const t0 = Date.now();
  const v = gcs.vehicle(sysId);
  if (!v || !v.linked) return { outcome: 'no-vehicle', sent: 0, resends: 0, elapsedMs: 0 };
  const typeNo = MISSION_TYPES[type];
  const wire = isArduPilotMission(gcs, sysId, type) ? [homePlaceholder(), ...items] : items;
  const q = new MessageQueue(gcs, sysId, (m) => {
    const d = m.data as { missionType?: number };
    return (d instanceof common.MissionRequestInt || d instanceof common.MissionRequest || d instanceof common.MissionAck) && d.missionType === typeNo;
  });
  let sent = 0;
  let resends = 0;
  const timer = new RetransmitTimer(o.resendMs);
  /** The last message sent, its item seq (-1 for MISSION_COUNT), when, and whether it was resent. */
  let last: { msg: MavLinkData; seq: number; atMs: number; resent: boolean };
  const count = new common.MissionCount();
  count.count = wire.length;
  count.missionType = typeNo;
  const send = (msg: MavLinkData, seq: number, resent: boolean) => {
    last = { msg, seq, atMs: performance.now(), resent };
    sent += 1;
    gcs.send(sysId, msg);
  };
  try {
    send(count, -1, false);
    let misses = 0;
    let highestSent = -1;
    for (;;) {
      const m = await q.next(timer.rtoMs);
      if (!m) {
        misses += 1;
        if (misses > o.retries) return { outcome: 'timeout', sent, resends, elapsedMs: Date.now() - t0 };
        resends += 1;
        timer.backoff();
        send(last!.msg, last!.seq, true);
        continue;
      }
      misses = 0;
      const d = m.data;
      if (d instanceof common.MissionAck) {
        if (d.type === 0 && highestSent === wire.length - 1) return { outcome: 'accepted', result: 0, sent, resends, elapsedMs: Date.now() - t0 };
        // An ACK about a stray duplicate item is not the end of this transfer.
        if (d.type === MISSION_INVALID_SEQUENCE || d.type === 0) continue;
        return { outcome: d.type === 15 ? 'cancelled' : 'denied', result: d.type, sent, resends, elapsedMs: Date.now() - t0 };
      }
      const seq = (d as common.MissionRequestInt).seq;
      const it = wire[seq];
      if (!it) continue;
      const now = performance.now();
      // A second request for the item just sent (the vehicle's own retry crossing ours) is not answered twice.
      if (seq === last!.seq && now - last!.atMs < timer.rtoMs / 2) continue;
      // Karn: only a message sent once gives a round-trip sample.
      if (seq === last!.seq + 1 && !last!.resent) timer.sample(now - last!.atMs);
      highestSent = Math.max(highestSent, seq);
      send(toWire(it, seq, typeNo), seq, seq === last!.seq);
    }
  } finally {
    q.close();
  }
}

/** Downloads a list; for ArduPilot missions item 0 (home) is returned as `home`, not in `items`. */
export async function downloadItems(gcs: GroundStation, sysId: number, type: MissionType, options: TransferOptions = {}): Promise<DownloadResult> {
  const o = { ...DEFAULTS, ...options };
  const t0 = Date.now();
  const v = gcs.vehicle(sysId);
  if (!v || !v.linked) return { outcome: 'no-vehicle', items: [], resends: 0, elapsedMs: 0 };
  const typeNo = MISSION_TYPES[type];
  let resends = 0;
  const q = new MessageQueue(gcs, sysId, (m) => {
    const d = m.data as { missionType?: number };
    return (d instanceof common.MissionCount || d instanceof common.MissionItemInt || d instanceof common.MissionItem) && d.missionType === typeNo;
  });
  const timer = new RetransmitTimer(o.resendMs);
  /** Sends `req` until `accept` takes an answer; undefined after the retries. */
  const exchange = async <T>(req: MavLinkData, accept: (d: MavLinkData) => T | undefined): Promise<T | undefined> => {
    let sentAt = performance.now();
    let resent = false;
    gcs.send(sysId, req);
    let misses = 0;
    for (;;) {
      const m = await q.next(timer.rtoMs);
      if (!m) {
        misses += 1;
        if (misses > o.retries) return undefined;
        resends += 1;
        timer.backoff();
        resent = true;
        sentAt = performance.now();
        gcs.send(sysId, req);
        continue;
      }
      const got = accept(m.data);
      if (got !== undefined) {
        if (!resent) timer.sample(performance.now() - sentAt);
        return got;
      }
    }
  };
  try {
    const list = new common.MissionRequestList();
    list.missionType = typeNo;
    const count = await exchange(list, (d) => (d instanceof common.MissionCount ? d.count : undefined));
    if (count === undefined) return { outcome: 'timeout', items: [], resends, elapsedMs: Date.now() - t0 };
    const items: MissionItem[] = [];
    for (let seq = 0; seq < count; seq++) {
      const req = new common.MissionRequestInt();
      req.seq = seq;
      req.missionType = typeNo;
      const it = await exchange(req, (d) => ((d instanceof common.MissionItemInt || d instanceof common.MissionItem) && d.seq === seq ? fromWire(d) : undefined));
      if (!it) return { outcome: 'timeout', items, resends, elapsedMs: Date.now() - t0 };
      items.push(it);
    }
    const ack = new common.MissionAck();
    ack.type = 0;
    ack.missionType = typeNo;
    gcs.send(sysId, ack);
    if (isArduPilotMission(gcs, sysId, type) && items.length > 0) {
      const h = items.shift()!;
      return { outcome: 'accepted', items, home: { lat: h.lat, lon: h.lon, altAmslM: h.altM }, resends, elapsedMs: Date.now() - t0 };
    }
    return { outcome: 'accepted', items, resends, elapsedMs: Date.now() - t0 };
  } finally {
    q.close();
  }
}

/** Clears a list on the vehicle (an upload of zero items). */
export function clearItems(gcs: GroundStation, sysId: number, type: MissionType, options: TransferOptions = {}): Promise<UploadResult> {
  return uploadItems(gcs, sysId, type, [], { ...options });
}
