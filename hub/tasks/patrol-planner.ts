/**
 * The flight planner (hub/planning/) as the task service and the planning job need it: checks a
 * request against the airspace and the docks' reach at submission, and plans waiting runs over
 * the docks as they are now (state, weather, battery, queue), merging compatible tasks.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PlanRequest } from '../../protocol/plan.schema.ts';
import { parseAirspace, type Airspace } from '../planning/airspace.ts';
import type { DockCandidate } from '../planning/dock-choice.ts';
import { planMerged } from '../planning/merge.ts';
import { airspaceFenceItems, sortieMissionItems } from '../planning/mission-items.ts';
import type { MissionItem } from '../../protocol/vehicle.schema.ts';
import { planTask } from '../planning/plan.ts';
import type { DockRepository } from '../repositories/dock.repository.ts';
import type { NewSortie, RunRow, TaskRepository, TaskRow } from '../repositories/task.repository.ts';
import { planRequestOf, type TaskPlannerPort } from '../services/task.service.ts';
import type { RunPlannerPort } from './task-jobs.ts';

/** The seeded airspace (keep-out and keep-in zones). */
export const AIRSPACE_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../data/airspace.json');

/** Adapts the planner to the task service and the planning job. */
export class PatrolPlanner implements TaskPlannerPort, RunPlannerPort {
  private readonly airspace: Airspace;
  private docksNow: DockCandidate[] = [];

  constructor(
    private readonly docks: DockRepository,
    private readonly tasks: TaskRepository,
    airspace?: Airspace,
  ) {
    this.airspace = airspace ?? parseAirspace(JSON.parse(fs.readFileSync(AIRSPACE_FILE, 'utf8')));
  }

  /** Loads the docks for `check` (the composition root calls it at start; `planRuns` refreshes it). */
  async refreshDocks(): Promise<DockCandidate[]> {
    const rows = await this.docks.list();
    const open = await this.tasks.openSorties();
    this.docksNow = rows.map((d) => ({
      sn: d.sn,
      name: d.name,
      lat: d.lat,
      lon: d.lon,
      ...(d.meta?.coverageRadiusM ? { coverageRadiusM: d.meta.coverageRadiusM } : {}),
      online: d.online,
      state: d.state,
      weather: d.weather ? { windMps: d.weather.windMps, rainMmPerH: d.weather.rainMmPerH } : null,
      queueLength: open.filter((s) => s.dockSn === d.sn).length,
    }));
    return this.docksNow;
  }

  /** Fence items of the keep-out zones within reach of a dock (radius + 2 km). */
  keepOutFence(center: { lat: number; lon: number }, radiusM: number): MissionItem[] {
    const near = (lon: number, lat: number) => Math.hypot((lon - center.lon) * 111_320 * Math.cos((center.lat * Math.PI) / 180), (lat - center.lat) * 111_320) < radiusM + 2000;
    return airspaceFenceItems({ zones: this.airspace.zones.filter((z) => z.kind === 'keep-out' && z.ring.some(([lon, lat]) => near(lon, lat))) });
  }

  /** Refuses a task that can never be flown: geometry, height, keep-out zones, no dock reaching it. */
  check(req: PlanRequest): void {
    // Whether a dock is busy or held by the weather today does not make a request wrong.
    const anyDay = this.docksNow.map((d) => ({ ...d, online: true, state: 'idle' as const, weather: null, queueLength: 0 }));
    planTask(req, { docks: anyDay, airspace: this.airspace });
  }

  /** Plans waiting runs: the planner's task id is the run id, so two runs of one task stay apart. */
  async planRuns(items: Array<{ run: RunRow; task: TaskRow }>): Promise<{ sorties: NewSortie[]; notes: Map<string, string[]>; failed: Map<string, string> }> {
    const docks = await this.refreshDocks();
    const ctx = { docks, airspace: this.airspace };
    const taskOfRun = new Map(items.map(({ run, task }) => [run.id, task]));
    const failed = new Map<string, string>();
    const ok: PlanRequest[] = [];
    for (const { run, task } of items) {
      const req = { ...planRequestOf(task), taskId: run.id };
      try {
        planTask(req, ctx);
        ok.push(req);
      } catch (err) {
        failed.set(task.id, (err as Error).message);
      }
    }
    const notes = new Map<string, string[]>();
    const sorties: NewSortie[] = [];
    if (ok.length === 0) return { sorties, notes, failed };
    const merged = planMerged(ok, ctx);
    for (const plan of merged.plans) {
      const taskIds = plan.taskIds.map((runId) => taskOfRun.get(runId)!.id);
      const shared = plan.taskIds.length > 1 ? [`一飞多采：与任务 ${taskIds.map((id) => `#${id}`).join('、')} 合并为同一架次 / flown together with tasks ${taskIds.join(', ')}`] : [];
      const summary = `机库 ${plan.dockName}（${plan.dockSn}），${plan.sorties.length} 个架次，约 ${Math.round(plan.totalDurationS / 60)} 分钟，${plan.totalPhotos} 张照片 / dock ${plan.dockSn}, ${plan.sorties.length} sortie(s), ~${Math.round(plan.totalDurationS / 60)} min, ${plan.totalPhotos} photos`;
      for (const id of new Set(taskIds)) notes.set(id, [summary, ...shared, ...plan.warnings]);
      for (const s of plan.sorties) {
        const mission = sortieMissionItems(s);
        sorties.push({
          dockSn: plan.dockSn,
          part: s.index + 1,
          parts: plan.sorties.length,
          path: s.waypoints.map((w) => [w.lon, w.lat, w.altRelM] as [number, number, number]),
          mission,
          estDurationS: s.estDurationS,
          total: mission.length,
          runIds: s.taskIds,
        });
      }
    }
    return { sorties, notes, failed };
  }
}
