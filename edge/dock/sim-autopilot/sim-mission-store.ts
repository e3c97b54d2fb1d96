/**
 * SIMULATOR — the vehicle side of the MAVLink mission protocol for mission, fence and rally
 * lists, as ArduPilot does it: it drives uploads by requesting each item (MISSION_REQUEST_INT, or
 * the legacy MISSION_REQUEST when configured), re-requests on its own timeout, answers a repeated
 * last item with the ACK again, and keeps mission item 0 as home.
 */
import { common } from 'node-mavlink';
import type { MavLinkData } from 'node-mavlink';

/** A stored item (MISSION_ITEM_INT fields). */
export interface StoredItem {
  command: number;
  frame: number;
  param1: number;
  param2: number;
  param3: number;
  param4: number;
  x: number;
  y: number;
  z: number;
  autocontinue: number;
}

/** Mission types by number. */
const TYPES = [0, 1, 2] as const;

/** Options of the store. */
export interface MissionStoreOptions {
  /** Answer MISSION_COUNT with the legacy MISSION_REQUEST (older ArduPilot). */
  legacyRequests: boolean;
  /** Re-request the expected item after this long without it, wall milliseconds. */
  rerequestMs: number;
  /** Give up an upload after this many re-requests in a row. */
  maxRerequests: number;
  /** Current home, written into mission item 0. */
  home: () => { latE7: number; lonE7: number; altAmslM: number };
  send: (msg: MavLinkData) => void;
  /** Called when a list changed (after an accepted upload or a clear). */
  onChanged: (missionType: number, items: StoredItem[]) => void;
}

interface Upload {
  type: number;
  count: number;
  items: StoredItem[];
  expected: number;
  timer?: NodeJS.Timeout;
  misses: number;
}

/** Mission, fence and rally lists and their transfer protocol. */
export class SimMissionStore {
  private readonly lists = new Map<number, StoredItem[]>(TYPES.map((t) => [t, []]));
  private upload: Upload | undefined;
  /** Last completed upload, so a repeated final item gets the ACK again. */
  private lastDone: { type: number; count: number } | undefined;

  constructor(private readonly opts: MissionStoreOptions) {}

  /** Items of a list (mission item 0 is home). */
  items(type: number): StoredItem[] {
    return this.lists.get(type) ?? [];
  }

  /** Handles a mission-protocol message; returns false when it is not one. */
  handle(data: MavLinkData): boolean {
    if (data instanceof common.MissionCount) this.onCount(data.missionType, data.count);
    else if (data instanceof common.MissionItemInt) this.onItem(data.missionType, data.seq, { ...pick(data) });
    else if (data instanceof common.MissionItem) this.onItem(data.missionType, data.seq, { ...pick(data), x: Math.round(data.x * 1e7), y: Math.round(data.y * 1e7) });
    else if (data instanceof common.MissionRequestList) this.send(this.countMsg(data.missionType));
    else if (data instanceof common.MissionRequestInt) this.sendItem(data.missionType, data.seq, true);
    else if (data instanceof common.MissionRequest) this.sendItem(data.missionType, data.seq, false);
    else if (data instanceof common.MissionClearAll) {
      for (const t of data.missionType === 255 ? TYPES : [data.missionType]) this.commit(t, []);
      this.ack(data.missionType, 0);
    } else if (data instanceof common.MissionAck) {
      // The ground station's final ACK of a download: nothing to do.
    } else return false;
    return true;
  }

  private send(msg: MavLinkData): void {
    this.opts.send(msg);
  }

  private countMsg(type: number): common.MissionCount {
    const m = new common.MissionCount();
    m.count = this.items(type).length;
    m.missionType = type;
    return m;
  }

  private ack(type: number, result: number): void {
    const a = new common.MissionAck();
    a.type = result;
    a.missionType = type;
    this.send(a);
  }

  private onCount(type: number, count: number): void {
    if (!(TYPES as readonly number[]).includes(type)) return this.ack(type, 5); // MAV_MISSION_UNSUPPORTED
    this.clearUpload();
    if (count === 0) {
      this.commit(type, []);
      this.lastDone = { type, count: 0 };
      return this.ack(type, 0);
    }
    if (count > 10_000) return this.ack(type, 4); // MAV_MISSION_NO_SPACE
    this.upload = { type, count, items: [], expected: 0, misses: 0 };
    this.request();
  }

  private request(): void {
    const u = this.upload;
    if (!u) return;
    const r = this.opts.legacyRequests ? new common.MissionRequest() : new common.MissionRequestInt();
    r.seq = u.expected;
    r.missionType = u.type;
    this.send(r);
    clearTimeout(u.timer);
    u.timer = setTimeout(() => {
      u.misses += 1;
      if (u.misses > this.opts.maxRerequests) {
        this.clearUpload();
        return this.ack(u.type, 15); // MAV_MISSION_OPERATION_CANCELLED
      }
      this.request();
    }, this.opts.rerequestMs);
  }

  private onItem(type: number, seq: number, item: StoredItem): void {
    const u = this.upload;
    if (!u) {
      // Our ACK got lost and the ground station sent the last item again.
      if (this.lastDone && this.lastDone.type === type && seq === this.lastDone.count - 1) this.ack(type, 0);
      return;
    }
    if (type !== u.type) return this.ack(type, 13); // MAV_MISSION_INVALID_SEQUENCE
    // The previous item again: our request for the next one was lost, so ask again now. Older
    // duplicates are ignored (answering them would echo); a gap is re-requested.
    if (seq !== u.expected) return seq > u.expected || seq === u.expected - 1 ? this.request() : undefined;
    u.items.push(item);
    u.expected += 1;
    u.misses = 0;
    if (u.expected < u.count) return this.request();
    this.clearUpload();
    this.commit(type, u.items);
    this.lastDone = { type, count: u.count };
    this.ack(type, 0);
  }

  private clearUpload(): void {
    clearTimeout(this.upload?.timer);
    this.upload = undefined;
  }

  private commit(type: number, items: StoredItem[]): void {
    if (type === 0 && items.length > 0) items[0] = this.homeItem();
    this.lists.set(type, items);
    this.opts.onChanged(type, items);
  }

  /** Refreshes mission item 0 when home moves (ArduPilot keeps item 0 = home). */
  refreshHome(): void {
    const m = this.items(0);
    if (m.length > 0) m[0] = this.homeItem();
  }

  private homeItem(): StoredItem {
    const h = this.opts.home();
    return { command: 16, frame: 0, param1: 0, param2: 0, param3: 0, param4: 0, x: h.latE7, y: h.lonE7, z: h.altAmslM, autocontinue: 1 };
  }

  private sendItem(type: number, seq: number, asInt: boolean): void {
    const it = this.items(type)[seq];
    if (!it) return this.ack(type, 13);
    if (asInt) {
      const m = new common.MissionItemInt();
      Object.assign(m, { ...it, seq, missionType: type, current: seq === 0 ? 1 : 0 });
      this.send(m);
    } else {
      const m = new common.MissionItem();
      Object.assign(m, { ...it, x: it.x / 1e7, y: it.y / 1e7, seq, missionType: type, current: seq === 0 ? 1 : 0 });
      this.send(m);
    }
  }

  /** Stops timers. */
  close(): void {
    this.clearUpload();
  }
}

function pick(d: common.MissionItemInt | common.MissionItem): StoredItem {
  return { command: d.command, frame: d.frame, param1: d.param1, param2: d.param2, param3: d.param3, param4: d.param4, x: d.x, y: d.y, z: d.z, autocontinue: d.autocontinue };
}
