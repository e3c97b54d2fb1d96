/**
 * 一飞多采 — several departments' tasks flown in one sortie: tasks merge when the same dock would
 * fly each of them, their heights are within ±10 m of each other, their time windows overlap and
 * the combined flight still fits one battery. Each photo is filed to every task its footprint
 * touches. Pure.
 */
import type { FlightPlan, PlanRequest } from '../../protocol/plan.schema.ts';
import { buildPlan, type PlanContext } from './plan.ts';

/** Merge rules. */
export interface MergeLimits {
  /** Largest height difference between merged tasks, metres. */
  altitudeSpreadM: number;
}

/** Default merge rules. */
export const DEFAULT_MERGE_LIMITS: MergeLimits = { altitudeSpreadM: 10 };

/** The plans of a batch of tasks: merged groups flown together, the rest alone. */
export interface MergedPlans {
  plans: FlightPlan[];
  /** Task ids of each plan, in the order of `plans`. */
  groups: string[][];
}

function windowMs(r: PlanRequest): [number, number] {
  if (!r.window) return [-Infinity, Infinity];
  return [Date.parse(r.window.startAt), Date.parse(r.window.endAt)];
}

/** True when every window of the group overlaps every other. */
function windowsOverlap(reqs: PlanRequest[]): boolean {
  const ws = reqs.map(windowMs);
  return Math.max(...ws.map((w) => w[0])) < Math.min(...ws.map((w) => w[1]));
}

/**
 * Plans a batch of tasks, merging compatible ones into shared sorties (first come, first
 * grouped). A task that cannot be planned at all throws its `PlanErrors` refusal.
 */
export function planMerged(reqs: PlanRequest[], ctx: PlanContext, limits: MergeLimits = DEFAULT_MERGE_LIMITS): MergedPlans {
  const alone = reqs.map((r) => buildPlan([r], ctx));
  const groups: Array<{ reqs: PlanRequest[]; plan: FlightPlan }> = [];
  reqs.forEach((req, i) => {
    const single = alone[i]!.plan;
    for (const g of groups) {
      const members = [...g.reqs, req];
      const alts = members.map((m) => m.altitudeM);
      if (g.plan.dockSn !== single.dockSn || Math.max(...alts) - Math.min(...alts) > limits.altitudeSpreadM || !windowsOverlap(members)) continue;
      if (g.plan.sorties.length !== 1 || single.sorties.length !== 1) continue;
      let merged: FlightPlan;
      try {
        merged = buildPlan(members, ctx).plan;
      } catch {
        continue;
      }
      if (merged.dockSn !== single.dockSn || merged.sorties.length !== 1) continue;
      g.reqs = members;
      g.plan = merged;
      return;
    }
    groups.push({ reqs: [req], plan: single });
  });
  return { plans: groups.map((g) => g.plan), groups: groups.map((g) => g.reqs.map((r) => r.taskId)) };
}
