/**
 * Operator commands to the docks' drones (全域指飞): launch to a point, go to, hold, resume,
 * return to dock, land, emergency stop — each audited with its outcome. Outcomes are values
 * (`accepted | denied | in-progress | timeout | no-vehicle`) with a message for people; only
 * requests that are wrong in themselves (unknown dock, unconfirmed emergency stop, ground station
 * not running) are catalogue errors.
 */
import { distance } from '@turf/turf';
import { defineErrors } from '../../common/errors.ts';
import type { Logger } from '../../common/logger.ts';
import {
  EMERGENCY_STOP_CONFIRMATION,
  type DockAction,
  type DockCommandReply,
  type DockView,
  type EmergencyStopBody,
  type GoToBody,
  type LaunchBody,
} from '../../protocol/dock.schema.ts';
import type { CommandOutcome, CommandResult } from '../../protocol/vehicle.schema.ts';
import type { DockOperationsPort } from '../docks/dock-operations.ts';
import type { LiveBus } from '../live/live-bus.ts';
import type { AuditRepository } from '../repositories/audit.repository.ts';
import type { DockRepository, DockRow } from '../repositories/dock.repository.ts';
import type { TrackPoint, VehicleRepository } from '../repositories/vehicle.repository.ts';

/** Errors of dock operations. */
export const DockErrors = defineErrors({
  DOCK_NOT_FOUND: { status: 404, message: '机库不存在 / no such dock' },
  GCS_UNAVAILABLE: { status: 503, message: '地面站未运行 / the ground station is not running' },
  EMERGENCY_STOP_NOT_CONFIRMED: { status: 400, message: `急停需明确确认：confirm 必须为 "${EMERGENCY_STOP_CONFIRMATION}" / emergency stop needs the explicit confirmation` },
  TARGET_OUT_OF_RANGE: { status: 400, message: '目标点超出机库覆盖范围 / the target is outside the dock\'s coverage' },
});

/** Who is acting, for the audit log. */
export interface DockActor {
  username: string;
  ip?: string;
}

/** Default radius a dock's drone covers, metres (DJI Dock 2/3: 10 km; Dock 1: 7 km). */
export const DEFAULT_COVERAGE_RADIUS_M = 7000;
/** Wait for the dock's lid and pre-flight checks, ms. */
const DOCK_REPLY_TIMEOUT_MS = 20_000;
/** Longest climb before the launch's go-to is given up, ms. */
const CLIMB_TIMEOUT_MS = 180_000;

type Step = DockCommandReply['steps'][number];

/** The operator service of the docks. */
export class DockService {
  private ops: DockOperationsPort | undefined;
  /** Last go-to target per dock, for `resume`. */
  private readonly targets = new Map<string, GoToBody>();

  constructor(
    private readonly docks: DockRepository,
    private readonly vehicles: VehicleRepository,
    private readonly audit: AuditRepository,
    private readonly log: Logger,
    private live?: LiveBus,
  ) {}

  /** Connects the running ground station and the live bus (the composition root does this after start). */
  attach(ops: DockOperationsPort, live: LiveBus): void {
    this.ops = ops;
    this.live = live;
  }

  /** Every dock with its state, weather, alarms and its drone's telemetry. */
  async list(): Promise<DockView[]> {
    return (await this.docks.list()).map((d) => this.view(d));
  }

  /** One dock. */
  async get(sn: string): Promise<DockView> {
    return this.view(await this.dock(sn));
  }

  /** Positions of a dock's drone (default: the last hour). */
  async track(sn: string, q: { from?: string; to?: string; limit?: number }): Promise<TrackPoint[]> {
    await this.dock(sn);
    const to = q.to ?? new Date(Date.now() + 60_000).toISOString();
    const from = q.from ?? new Date(Date.parse(to) - 3600_000).toISOString();
    return this.vehicles.track(sn, from, to, q.limit ?? 2000);
  }

  private view(d: DockRow): DockView {
    const sysId = this.ops?.droneOf(d.sn) ?? d.droneSysId;
    return {
      sn: d.sn,
      name: d.name,
      lat: d.lat,
      lon: d.lon,
      regionCode: d.regionCode,
      regionName: d.regionName,
      online: d.online,
      coverageRadiusM: d.meta?.coverageRadiusM ?? DEFAULT_COVERAGE_RADIUS_M,
      droneSysId: sysId ?? null,
      state: d.state,
      weather: d.weather,
      alarms: d.alarms ?? [],
      drone: sysId !== null && sysId !== undefined ? (this.ops?.telemetry(sysId) ?? null) : null,
      droneLinked: sysId !== null && sysId !== undefined ? (this.ops?.linked(sysId) ?? false) : false,
    };
  }

  private async dock(sn: string): Promise<DockRow> {
    const d = await this.docks.find(sn);
    if (!d) throw DockErrors.DOCK_NOT_FOUND(undefined, { sn });
    return d;
  }

  private port(): DockOperationsPort {
    if (!this.ops) throw DockErrors.GCS_UNAVAILABLE();
    return this.ops;
  }

  private sysIdOf(d: DockRow): number | undefined {
    return this.ops?.droneOf(d.sn) ?? d.droneSysId ?? undefined;
  }

  /** Finishes a command: audit with its outcome, live notice, reply. */
  private async finish(sn: string, action: DockAction, actor: DockActor, steps: Step[], outcome: CommandOutcome, message: string, details: Record<string, unknown> = {}): Promise<DockCommandReply> {
    await this.audit.append({ actorKind: 'user', actor: actor.username, action: `dock.${action}`, target: sn, outcome, details: { ...details, message, steps }, ip: actor.ip });
    this.live?.publish({ type: 'dock-command', sn, action, outcome, message, by: actor.username, ts: new Date().toISOString() });
    this.log.info({ dockSn: sn, action, outcome, by: actor.username }, message);
    return { action, outcome, message, steps };
  }

  /** Resolves the dock and its drone; a reply when the drone cannot be commanded. */
  private async prepare(sn: string, action: DockAction, actor: DockActor): Promise<{ d: DockRow; sysId: number; ops: DockOperationsPort } | DockCommandReply> {
    const d = await this.dock(sn);
    const ops = this.port();
    const sysId = this.sysIdOf(d);
    if (sysId === undefined || !ops.linked(sysId)) return this.finish(sn, action, actor, [], 'no-vehicle', '无人机未连接地面站 / the dock\'s drone is not linked to the ground station');
    return { d, sysId, ops };
  }

  private async single(sn: string, action: DockAction, actor: DockActor, step: string, run: (ops: DockOperationsPort, sysId: number) => Promise<CommandResult>, okMessage: string, details: Record<string, unknown> = {}): Promise<DockCommandReply> {
    const p = await this.prepare(sn, action, actor);
    if ('outcome' in p) return p;
    const r = await run(p.ops, p.sysId);
    return this.finish(sn, action, actor, [{ step, ...r }], r.outcome, r.outcome === 'accepted' ? okMessage : refusal(step, r), details);
  }

  /** Launches the dock's drone and sends it to a point (lid, arm, take off, then go to). */
  async launch(sn: string, body: LaunchBody, actor: DockActor): Promise<DockCommandReply> {
    const p = await this.prepare(sn, 'launch', actor);
    if ('outcome' in p) return p;
    const { d, sysId, ops } = p;
    this.checkRange(d, body);
    const steps: Step[] = [];
    const t0 = Date.now();
    const reply = await ops.callDock(sn, 'prepare-launch', DOCK_REPLY_TIMEOUT_MS);
    const dockStep: Step =
      reply === 'timeout'
        ? { step: 'dock.prepare-launch', outcome: 'timeout', attempts: 1, elapsedMs: Date.now() - t0 }
        : { step: 'dock.prepare-launch', outcome: reply.result === 'ok' ? 'accepted' : 'denied', attempts: 1, elapsedMs: Date.now() - t0, ...(reply.reason ? { reason: reply.reason } : {}) };
    steps.push(dockStep);
    if (dockStep.outcome !== 'accepted') {
      const msg = dockStep.outcome === 'timeout' ? '机库未响应起飞准备 / the dock did not answer' : `机库拒绝起飞：${dockStep.reason ?? ''}`;
      return this.finish(sn, 'launch', actor, steps, dockStep.outcome, msg, { target: body });
    }
    const act = ops.action(sysId);
    const run = async (step: string, f: () => Promise<CommandResult>) => {
      const r = await f();
      steps.push({ step, ...r });
      return r;
    };
    // The autopilot itself keeps the drone inside the dock's coverage, link or no link.
    const radiusM = d.meta?.coverageRadiusM ?? DEFAULT_COVERAGE_RADIUS_M;
    let r = await run(`fence ${radiusM} m`, async () => {
      const f = await ops.uploadKeepInFence(sysId, { lat: d.lat, lon: d.lon }, radiusM);
      const outcome: CommandOutcome = f.outcome === 'cancelled' ? 'denied' : f.outcome;
      return { outcome, attempts: f.sent, elapsedMs: f.elapsedMs };
    });
    if (r.outcome === 'accepted') r = await run('set-mode GUIDED', () => act.setMode('GUIDED'));
    if (r.outcome === 'accepted') {
      r = await run('arm', () => act.arm());
      // The estimator may still be settling: ArduPilot says so in a PreArm text. Try again briefly.
      for (let i = 0; i < 3 && r.outcome === 'denied' && /PreArm/i.test(r.reason ?? ''); i++) {
        await new Promise((res) => setTimeout(res, 1000));
        r = await run('arm', () => act.arm());
      }
    }
    if (r.outcome === 'accepted') r = await run(`takeoff ${body.altitudeM} m`, () => act.takeoff(body.altitudeM));
    if (r.outcome !== 'accepted') {
      await ops.callDock(sn, 'abort-launch', 5000);
      return this.finish(sn, 'launch', actor, steps, r.outcome, refusal(steps[steps.length - 1]!.step, r), { target: body });
    }
    this.targets.set(sn, { lat: body.lat, lon: body.lon, altitudeM: body.altitudeM });
    // Go to the point once at height; reported on the live WebSocket and in the audit log.
    void this.followUpGoTo(sn, sysId, body, actor);
    return this.finish(sn, 'launch', actor, steps, 'accepted', `已起飞，升至 ${body.altitudeM} m 后飞往目标点 / taking off to ${body.altitudeM} m, then flying to the point`, { target: body });
  }

  private async followUpGoTo(sn: string, sysId: number, body: LaunchBody, actor: DockActor): Promise<void> {
    try {
      const ops = this.port();
      const high = await ops.waitForTelemetry(sysId, (t) => t.armed && t.altRelM >= body.altitudeM * 0.95, CLIMB_TIMEOUT_MS);
      const t = ops.telemetry(sysId);
      const still = this.targets.get(sn);
      if (!high || !t?.armed || t.mode !== 'GUIDED' || !still || !sameTarget(still, body)) {
        return void (await this.finish(sn, 'go-to', { username: `${actor.username} (auto)` }, [], 'denied', '起飞后未能飞往目标点（已被接管或未到达高度）/ launch go-to skipped', { target: body }));
      }
      const r = await ops.action(sysId).goTo(body.lat, body.lon, body.altitudeM);
      await this.finish(sn, 'go-to', { username: `${actor.username} (auto)` }, [{ step: 'go-to', ...r }], r.outcome, r.outcome === 'accepted' ? '已飞往目标点 / flying to the point' : refusal('go-to', r), { target: body });
    } catch (err) {
      this.log.error({ err: (err as Error).message, dockSn: sn }, 'launch follow-up failed');
    }
  }

  private checkRange(d: DockRow, p: { lat: number; lon: number }): void {
    const radius = d.meta?.coverageRadiusM ?? DEFAULT_COVERAGE_RADIUS_M;
    const m = distance([d.lon, d.lat], [p.lon, p.lat], { units: 'meters' });
    if (m > radius) throw DockErrors.TARGET_OUT_OF_RANGE(`目标点距机库 ${(m / 1000).toFixed(1)} km，超出覆盖半径 ${(radius / 1000).toFixed(1)} km / target ${(m / 1000).toFixed(1)} km away, coverage ${(radius / 1000).toFixed(1)} km`, { distanceM: Math.round(m), radiusM: radius });
  }

  /** Sends the flying drone to a point. */
  async goTo(sn: string, body: GoToBody, actor: DockActor): Promise<DockCommandReply> {
    this.checkRange(await this.dock(sn), body);
    this.targets.set(sn, body);
    return this.single(sn, 'go-to', actor, 'go-to', (ops, id) => ops.action(id).goTo(body.lat, body.lon, body.altitudeM), '已飞往目标点 / flying to the point', { target: body });
  }

  /** Holds position (悬停). */
  hold(sn: string, actor: DockActor): Promise<DockCommandReply> {
    return this.single(sn, 'hold', actor, 'set-mode LOITER', (ops, id) => ops.action(id).hold(), '已悬停 / holding position');
  }

  /** Resumes the last go-to after a hold. */
  async resume(sn: string, actor: DockActor): Promise<DockCommandReply> {
    const target = this.targets.get(sn);
    if (!target) {
      await this.dock(sn);
      return this.finish(sn, 'resume', actor, [], 'denied', '没有可继续的目标点 / nothing to resume');
    }
    return this.single(sn, 'resume', actor, 'go-to', (ops, id) => ops.action(id).goTo(target.lat, target.lon, target.altitudeM), '继续飞往目标点 / resuming to the point', { target });
  }

  /** Returns to the dock and lands in it (RTL; the dock opens its lid). */
  async returnToDock(sn: string, actor: DockActor): Promise<DockCommandReply> {
    this.targets.delete(sn);
    const reply = await this.single(sn, 'return', actor, 'set-mode RTL', (ops, id) => ops.action(id).returnToLaunch(), '正在返航 / returning to the dock');
    if (reply.outcome === 'accepted') void this.ops?.callDock(sn, 'prepare-landing', DOCK_REPLY_TIMEOUT_MS);
    return reply;
  }

  /** Lands where it is. */
  land(sn: string, actor: DockActor): Promise<DockCommandReply> {
    this.targets.delete(sn);
    return this.single(sn, 'land', actor, 'set-mode LAND', (ops, id) => ops.action(id).land(), '正在原地降落 / landing where it is');
  }

  /** Motors off now, even in the air — only with the explicit confirmation text. */
  async emergencyStop(sn: string, body: EmergencyStopBody, actor: DockActor): Promise<DockCommandReply> {
    await this.dock(sn);
    if (body.confirm !== EMERGENCY_STOP_CONFIRMATION) {
      await this.audit.append({ actorKind: 'user', actor: actor.username, action: 'dock.emergency-stop', target: sn, outcome: 'refused-unconfirmed', details: { reason: body.reason }, ip: actor.ip });
      throw DockErrors.EMERGENCY_STOP_NOT_CONFIRMED();
    }
    this.targets.delete(sn);
    return this.single(sn, 'emergency-stop', actor, 'force-disarm', (ops, id) => ops.action(id).emergencyStop(), '已急停，电机已关闭 / emergency stop: motors off', { reason: body.reason });
  }
}

function sameTarget(a: GoToBody, b: GoToBody): boolean {
  return a.lat === b.lat && a.lon === b.lon && a.altitudeM === b.altitudeM;
}

/** A refusal in words. */
function refusal(step: string, r: CommandResult): string {
  switch (r.outcome) {
    case 'denied':
      return `无人机拒绝（${step}）${r.reason ? `：${r.reason}` : ''} / refused (${r.result ?? 'denied'})`;
    case 'timeout':
      return `无人机无应答（${step}，已重发 ${Math.max(0, r.attempts - 1)} 次）/ no answer after ${r.attempts} attempts`;
    case 'no-vehicle':
      return '无人机未连接地面站 / the drone is not linked';
    case 'in-progress':
      return `执行中（${step}）/ still in progress`;
    default:
      return step;
  }
}
