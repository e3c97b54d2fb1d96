/**
 * Flies sorties: hub → dock service `start-task` (the dock checks weather and battery, opens its
 * lid) → the ground station uploads the keep-in fence and the mission, arms and starts it →
 * mission progress from MISSION_CURRENT → return, landing, charging. Pause (LOITER), resume
 * (AUTO, from the current item) and cancel (RTL) come from the cockpit. A sortie interrupted by
 * a failsafe (weather, low battery, link) is closed as partially done and continued by a new
 * sortie from the first item not reached, after the drone has charged.
 *
 * Each open sortie is watched by one hub node under a lease in the database; when a node dies
 * mid-flight another (or the restarted one) adopts the sortie once the lease lapses, so neither
 * the sortie nor the record of its progress is lost.
 */
import crypto from 'node:crypto';
import type { Logger } from '../../common/logger.ts';
import type { MissionItem, VehicleTelemetry } from '../../protocol/vehicle.schema.ts';
import type { SortieStatus, TaskControlBody } from '../../protocol/task.schema.ts';
import type { DockOperationsPort } from '../docks/dock-operations.ts';
import type { LiveBus } from '../live/live-bus.ts';
import type { AuditRepository } from '../repositories/audit.repository.ts';
import type { DockRepository } from '../repositories/dock.repository.ts';
import type { NewSortie, SortieRow, TaskRepository } from '../repositories/task.repository.ts';
import { DEFAULT_COVERAGE_RADIUS_M } from '../services/dock.service.ts';

/** Why a launch must wait; the job queue tries again later. */
export class LaunchDeferred extends Error {}

/** Options of the executor. */
export interface SortieExecutorOptions {
  tasks: TaskRepository;
  docks: DockRepository;
  audit: AuditRepository;
  live: LiveBus;
  log: Logger;
  /** The running ground station and dock channels (set once they run). */
  ops: () => DockOperationsPort | undefined;
  /** A run's or task's status may have changed. */
  settle: (runIds: string[]) => Promise<void>;
  /** Queues the launch of a sortie (the job queue), optionally after `delayS`. */
  enqueueLaunch: (sortieId: string, delayS?: number) => Promise<void>;
  /** How often open sorties are checked, ms. */
  tickMs?: number;
  /** Lease of a watched sortie, s; another node adopts it this long after this one stops renewing. */
  leaseS?: number;
  /** Wait before a continuation sortie launches (the drone charges), s. */
  rechargeS?: number;
  /** Keep-out zones near a dock as fence items, enforced by the autopilot itself. */
  keepOutFence?: (center: { lat: number; lon: number }, radiusM: number) => MissionItem[];
}

/** What this node knows of a sortie it watches. */
interface Watch {
  sysId: number | undefined;
  flew: boolean;
  cancelRequested: boolean;
  lastReached: number;
  lastStatus: SortieStatus;
}

const DOCK_REPLY_TIMEOUT_MS = 30_000;
const TERMINAL: readonly SortieStatus[] = ['done', 'partially-done', 'failed', 'cancelled'];

/** The sortie executor of one hub node. */
export class SortieExecutor {
  /** This node's name in leases. */
  readonly owner = `hub-${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
  private readonly watches = new Map<string, Watch>();
  /** Sorties this node is launching right now (the watcher leaves them alone). */
  private readonly launching = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private ticking = false;
  private readonly leaseS: number;

  constructor(private readonly o: SortieExecutorOptions) {
    this.leaseS = o.leaseS ?? 20;
  }

  /** Starts watching: this node's sorties and any whose watcher is gone. */
  start(): this {
    this.timer = setInterval(() => void this.tick(), this.o.tickMs ?? 1000);
    void this.tick();
    return this;
  }

  /** Stops watching (the leases lapse; another node adopts the sorties). */
  stop(): void {
    clearInterval(this.timer);
    this.watches.clear();
  }

  private port(): DockOperationsPort {
    const p = this.o.ops();
    if (!p) throw new LaunchDeferred('地面站未运行 / the ground station is not running');
    return p;
  }

  /** Launches a queued sortie; throws `LaunchDeferred` when it must wait (dock busy, weather, battery). */
  async launch(sortieId: string): Promise<void> {
    this.launching.add(sortieId);
    try {
      await this.launchNow(sortieId);
    } finally {
      this.launching.delete(sortieId);
    }
  }

  private async launchNow(sortieId: string): Promise<void> {
    const s = await this.o.tasks.findSortie(sortieId);
    if (!s || TERMINAL.includes(s.status)) return;
    if (s.status !== 'queued') return; // already launched: the watcher has it
    const ops = this.port();
    const busy = (await this.o.tasks.openSorties(s.dockSn)).find((o) => o.id !== s.id && o.status !== 'queued');
    if (busy) throw new LaunchDeferred(`机库正在执行架次 #${busy.id} / the dock is flying sortie #${busy.id}`);
    const dock = await this.o.docks.find(s.dockSn);
    if (!dock) return this.finish(s, 'failed', '机库不存在 / the dock is gone');
    const sysId = ops.droneOf(s.dockSn) ?? dock.droneSysId ?? undefined;
    if (sysId === undefined || !ops.linked(sysId)) return this.defer(s, '无人机未连接地面站 / the drone is not linked');
    await this.o.tasks.updateSortie(s.id, { status: 'sent', reason: null });
    if ((await this.o.tasks.lease(this.owner, this.leaseS * 3, [s.id])).length === 0) return;
    this.progress(s, 'sent', s.reached, '已下发机库 / sent to the dock');
    const reply = await ops.callDock(s.dockSn, 'start-task', DOCK_REPLY_TIMEOUT_MS, { sortieId: s.id });
    if (reply === 'timeout' || reply.result !== 'ok') {
      const why = reply === 'timeout' ? '机库未响应 / the dock did not answer' : (reply.reason ?? reply.result);
      return this.defer(s, `机库暂不能起飞：${why}`);
    }
    const fail = async (step: string, why: string) => {
      await ops.callDock(s.dockSn, 'abort-launch', 5000);
      return this.defer(s, `${step}失败：${why}`);
    };
    const radiusM = dock.meta?.coverageRadiusM ?? DEFAULT_COVERAGE_RADIUS_M;
    // The autopilot keeps the drone inside the dock's reach and out of the keep-out zones, link or no link.
    const circle: MissionItem = { command: 5003, frame: 3, param1: radiusM, param2: 0, param3: 0, param4: 0, lat: dock.lat, lon: dock.lon, altM: 0, autocontinue: false };
    const fence = await ops.uploadFence(sysId, [circle, ...(this.o.keepOutFence?.({ lat: dock.lat, lon: dock.lon }, radiusM) ?? [])]);
    if (fence.outcome !== 'accepted') return fail('上传电子围栏', fence.outcome);
    const mission = await ops.uploadMission(sysId, s.mission as MissionItem[]);
    if (mission.outcome !== 'accepted') return fail('上传航线', mission.outcome);
    const act = ops.action(sysId);
    let r = await act.setMode('GUIDED');
    if (r.outcome === 'accepted') {
      r = await act.arm();
      for (let i = 0; i < 5 && r.outcome === 'denied' && /PreArm/i.test(r.reason ?? ''); i++) {
        await new Promise((res) => setTimeout(res, 1000));
        r = await act.arm();
      }
    }
    if (r.outcome === 'accepted') r = await act.startMission(1);
    if (r.outcome !== 'accepted') {
      await act.disarm();
      return fail('起飞', r.reason ?? r.outcome);
    }
    // MISSION_CURRENT of the previous mission may still be the latest telemetry: wait for this one's.
    await ops.waitForTelemetry(sysId, (t) => t.missionSeq !== undefined && t.missionSeq <= 2, 10_000);
    await this.o.tasks.updateSortie(s.id, { status: 'in-progress', started: true });
    this.watches.set(s.id, { sysId, flew: false, cancelRequested: false, lastReached: s.reached, lastStatus: 'in-progress' });
    await this.o.audit.append({ actorKind: 'system', actor: 'scheduler', action: 'sortie.launch', target: `sortie:${s.id}`, outcome: 'accepted', details: { dockSn: s.dockSn, items: s.total } });
    this.progress(s, 'in-progress', s.reached, `已起飞，执行航线（${s.total} 个航点）/ airborne, flying the mission`);
    await this.o.settle(s.runIds);
  }

  private async defer(s: SortieRow, reason: string): Promise<never> {
    await this.o.tasks.updateSortie(s.id, { status: 'queued', reason });
    await this.o.tasks.release(s.id, this.owner);
    this.progress(s, 'queued', s.reached, reason);
    throw new LaunchDeferred(reason);
  }

  /** Pauses (hold), resumes (continue the mission) or cancels (return to the dock) a sortie. */
  async control(s: SortieRow, action: TaskControlBody['action'], by: string): Promise<{ ok: boolean; message: string }> {
    if (s.status === 'queued' || s.status === 'sent') {
      if (action !== 'cancel') return { ok: false, message: '架次尚未起飞 / not airborne yet' };
      await this.finish(s, 'cancelled', `已由 ${by} 取消 / cancelled by ${by}`);
      return { ok: true, message: '已取消 / cancelled' };
    }
    const ops = this.port();
    const sysId = ops.droneOf(s.dockSn) ?? this.watches.get(s.id)?.sysId;
    if (sysId === undefined) return { ok: false, message: '无人机未连接 / the drone is not linked' };
    const act = ops.action(sysId);
    const r = action === 'pause' ? await act.hold() : action === 'resume' ? await act.setMode('AUTO') : await act.returnToLaunch();
    if (r.outcome !== 'accepted') return { ok: false, message: `无人机未执行（${r.outcome}）/ the drone did not comply` };
    const w = this.watches.get(s.id);
    if (action === 'cancel') {
      if (w) w.cancelRequested = true;
      await this.o.tasks.updateSortie(s.id, { reason: `已由 ${by} 取消，返航中 / cancelled by ${by}, returning` });
      void ops.callDock(s.dockSn, 'prepare-landing', DOCK_REPLY_TIMEOUT_MS);
      this.progress(s, s.status, s.reached, '已取消，返航中 / cancelled, returning to the dock');
      return { ok: true, message: '返航中 / returning' };
    }
    const status: SortieStatus = action === 'pause' ? 'paused' : 'in-progress';
    await this.o.tasks.updateSortie(s.id, { status });
    if (w) w.lastStatus = status;
    this.progress(s, status, s.reached, action === 'pause' ? '已暂停，悬停中 / paused, holding' : '已继续航线 / resumed');
    await this.o.settle(s.runIds);
    return { ok: true, message: action === 'pause' ? '已暂停 / paused' : '已继续 / resumed' };
  }

  /** One pass: renew and adopt leases, then follow each watched sortie's drone. */
  async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      const mine = await this.o.tasks.lease(this.owner, this.leaseS);
      for (const id of mine) {
        if (this.launching.has(id)) continue;
        const s = await this.o.tasks.findSortie(id);
        if (!s) continue;
        if (!this.watches.has(id)) this.adopt(s);
        await this.follow(s);
      }
      for (const id of this.watches.keys()) if (!mine.includes(id)) this.watches.delete(id);
    } catch (err) {
      this.o.log.warn({ err: (err as Error).message }, 'sortie watch failed');
    } finally {
      this.ticking = false;
    }
  }

  private adopt(s: SortieRow): void {
    const sysId = this.o.ops()?.droneOf(s.dockSn);
    this.watches.set(s.id, { sysId, flew: s.status === 'in-progress' || s.status === 'paused', cancelRequested: /取消|cancel/.test(s.reason ?? ''), lastReached: s.reached, lastStatus: s.status });
    this.o.log.info({ sortieId: s.id, owner: this.owner }, 'sortie adopted');
  }

  private async follow(s: SortieRow): Promise<void> {
    const w = this.watches.get(s.id)!;
    const ops = this.o.ops();
    if (!ops) return;
    w.sysId ??= ops.droneOf(s.dockSn);
    if (w.sysId === undefined) return;
    const t = ops.telemetry(w.sysId);
    if (!t) return;
    if (s.status === 'sent') {
      // Adopted in the middle of a launch by a node that died: on the ground it is launched again.
      if (!t.armed) {
        await this.o.tasks.updateSortie(s.id, { status: 'queued', reason: '上一节点中断，重新起飞 / relaunching after a hub restart' });
        await this.o.tasks.release(s.id, this.owner);
        this.watches.delete(s.id);
        await this.o.enqueueLaunch(s.id);
      } else await this.o.tasks.updateSortie(s.id, { status: 'in-progress', started: true });
      return;
    }
    if (t.armed && t.altRelM > 1) w.flew = true;
    const reached = reachedOf(t, s.total);
    if (reached > w.lastReached) {
      w.lastReached = reached;
      await this.o.tasks.updateSortie(s.id, { reached });
      this.progress(s, w.lastStatus, reached, `航点 ${reached}/${s.total}`);
    }
    if (w.flew && !t.armed && t.altRelM < 1) await this.landed(s, w);
  }

  private async landed(s: SortieRow, w: Watch): Promise<void> {
    this.watches.delete(s.id);
    const complete = w.lastReached >= s.total;
    if (w.cancelRequested) return this.finish(s, 'cancelled', s.reason ?? '已取消 / cancelled');
    if (complete) return this.finish(s, 'done', '架次完成，已降落入库 / sortie complete, landed in the dock');
    // Interrupted (failsafe: wind, rain, battery, link): what is left flies again after charging.
    const rest = continuation(s, w.lastReached);
    const reason = `架次中断于航点 ${w.lastReached}/${s.total}，充电后续飞 / interrupted at item ${w.lastReached}, continuing after charging`;
    await this.finish(s, 'partially-done', reason);
    if (rest) {
      const [next] = await this.o.tasks.insertSorties([rest]);
      if (next) await this.o.enqueueLaunch(next.id, this.o.rechargeS ?? 60);
      await this.o.settle(s.runIds);
    }
  }

  private async finish(s: SortieRow, status: SortieStatus, reason: string): Promise<void> {
    this.watches.delete(s.id);
    await this.o.tasks.updateSortie(s.id, { status, reason, ended: true });
    await this.o.tasks.release(s.id, this.owner);
    await this.o.audit.append({ actorKind: 'system', actor: 'scheduler', action: 'sortie.end', target: `sortie:${s.id}`, outcome: status, details: { reason, reached: s.reached, total: s.total } });
    this.progress(s, status, s.reached, reason);
    await this.o.settle(s.runIds);
  }

  private progress(s: SortieRow, status: SortieStatus, reached: number, message: string): void {
    this.o.live.publish({ type: 'task', taskIds: s.taskIds, sortieId: s.id, dockSn: s.dockSn, status, reached, total: s.total, message, ts: new Date().toISOString() });
  }
}

/** Mission items reached, from MISSION_CURRENT: items before the current one (wire seq 1 is our first item). */
function reachedOf(t: VehicleTelemetry, total: number): number {
  return t.missionSeq === undefined ? 0 : Math.min(total, Math.max(0, t.missionSeq - 1));
}

/** The sortie that flies what `s` left: take-off, then the items from the first not reached. */
export function continuation(s: SortieRow, reached: number): NewSortie | null {
  const items = s.mission as MissionItem[];
  const rest = items.slice(reached).filter((it) => it.command !== 22);
  if (!rest.some((it) => it.command === 16)) return null;
  const takeoff = items.find((it) => it.command === 22);
  const mission = takeoff ? [takeoff, ...rest] : rest;
  const firstPos = rest.find((it) => it.command === 16)!;
  const pathFrom = s.path.findIndex((p) => Math.abs(p[0] - firstPos.lon) < 1e-7 && Math.abs(p[1] - firstPos.lat) < 1e-7);
  return {
    dockSn: s.dockSn,
    part: s.part,
    parts: s.parts,
    path: pathFrom >= 0 ? s.path.slice(pathFrom) : s.path,
    mission,
    estDurationS: s.estDurationS * (rest.length / Math.max(1, items.length)),
    total: mission.length,
    continues: s.id,
    runIds: s.runIds,
  };
}
