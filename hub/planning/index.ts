/** The flight planner's public API (pure: no database, no I/O). */
export { planTask, buildPlan, DEFAULT_PLAN_LIMITS, DEFAULT_RESERVE_PCT, type PlanContext, type PlanLimits, type BuiltPlan } from './plan.ts';
export { planMerged, DEFAULT_MERGE_LIMITS, type MergedPlans, type MergeLimits } from './merge.ts';
export { sortieMissionItems, airspaceFenceItems, MAV_CMD } from './mission-items.ts';
export { parseAirspace, DEFAULT_KEEP_OUT_MARGINS, type Airspace, type AirspaceZone, type KeepOutMargins } from './airspace.ts';
export { DEFAULT_DOCK_LIMITS, type DockCandidate, type DockChoiceLimits } from './dock-choice.ts';
export { footprintM, type Footprint } from './coverage.ts';
export { PlanErrors } from './plan-errors.ts';
