/** The console's Cesium entities: docks with coverage circles, drones at true height with trails, the chosen target. */
import {
  ArcType,
  Cartesian2,
  Cartesian3,
  CallbackProperty,
  Cartographic,
  Color,
  ConstantPositionProperty,
  ConstantProperty,
  ColorMaterialProperty,
  Entity,
  HorizontalOrigin,
  LabelStyle,
  Math as CesiumMath,
  NearFarScalar,
  PolylineGlowMaterialProperty,
  VerticalOrigin,
  type EntityCollection,
  type JulianDate,
} from 'cesium';
import { DOCK_STATE_LABELS_ZH, type DockView } from '../../../protocol/dock.schema.ts';
import type { OpsDockHook, OpsDroneHook } from './ops-hooks.ts';
import type { OpsState, TrailPoint } from './ops-state.ts';

/** Colours of a dock's marker by state; grey when offline. */
const DOCK_COLORS: Record<string, string> = {
  idle: '#69f0ae',
  'lid-opening': '#ffd740',
  launching: '#ffd740',
  'in-flight': '#40c4ff',
  landing: '#ffd740',
  charging: '#b388ff',
  fault: '#ff5252',
};
const OFFLINE_COLOR = '#78909c';
const DRONE_COLOR = Color.fromCssColorString('#ffab40');
const TARGET_COLOR = Color.fromCssColorString('#ff4081');
/** Labels and points stay visible through the globe within this distance, metres. */
const ALWAYS_VISIBLE = Number.POSITIVE_INFINITY;

/** The dock colour for its state. */
export function dockColor(dock: DockView): string {
  if (!dock.online) return OFFLINE_COLOR;
  return DOCK_COLORS[dock.state ?? ''] ?? OFFLINE_COLOR;
}

function dockLabel(dock: DockView): string {
  const state = dock.online ? (dock.state ? DOCK_STATE_LABELS_ZH[dock.state] : '未知') : '离线';
  return `${dock.name}\n${state}`;
}

const positionOf = (p: TrailPoint) => Cartesian3.fromDegrees(p.lon, p.lat, p.altM);

/** Owns the console's entities and keeps them in step with the state. */
export class OpsEntities {
  private readonly docks = new Map<string, Entity>();
  /** What each dock entity was last drawn from, to skip unchanged docks. */
  private readonly dockKeys = new Map<string, string>();
  private readonly coverage = new Map<string, Entity>();
  private readonly drones = new Map<string, { point: Entity; stem: Entity; trail: Entity }>();
  /**
   * Positions of each drone's trail and height stem. The polylines read them through callbacks:
   * a changing constant polyline is rebuilt in a web worker each time and, at 2 Hz on a software
   * renderer, never finishes; a callback polyline is drawn directly.
   */
  private readonly lines = new Map<string, { trail: Cartesian3[]; stem: Cartesian3[] }>();
  private target: Entity | null = null;

  constructor(private readonly entities: EntityCollection) {}

  /** Updates the entities; true when anything drawn changed. */
  sync(state: OpsState, selectedSn: string | null, target: { lat: number; lon: number } | null): boolean {
    let changed = false;
    for (const dock of Object.values(state.docks)) {
      changed = this.syncDock(dock, dock.sn === selectedSn) || changed;
      changed = this.syncDrone(dock, state.trails[dock.sn] ?? []) || changed;
    }
    changed = this.syncTarget(target) || changed;
    return changed;
  }

  private syncDock(dock: DockView, selected: boolean): boolean {
    const color = Color.fromCssColorString(dockColor(dock));
    const key = `${dockLabel(dock)}|${color.toCssHexString()}|${selected}|${dock.coverageRadiusM}`;
    let e = this.docks.get(dock.sn);
    if (e && this.dockKeys.get(dock.sn) === key) return false;
    this.dockKeys.set(dock.sn, key);
    if (e) this.entities.remove(e);
    const coverage = this.coverage.get(dock.sn);
    if (coverage) this.entities.remove(coverage);
    const position = Cartesian3.fromDegrees(dock.lon, dock.lat, 0);
    e = this.entities.add(
      new Entity({
        id: `dock:${dock.sn}`,
        position,
        point: { pixelSize: selected ? 16 : 11, color, outlineColor: Color.WHITE, outlineWidth: selected ? 3 : 1, disableDepthTestDistance: ALWAYS_VISIBLE },
        label: {
          text: dockLabel(dock),
          font: '15px "Noto Sans CJK SC", sans-serif',
          fillColor: Color.WHITE,
          outlineColor: Color.BLACK,
          outlineWidth: 3,
          style: LabelStyle.FILL_AND_OUTLINE,
          verticalOrigin: VerticalOrigin.TOP,
          horizontalOrigin: HorizontalOrigin.CENTER,
          pixelOffset: new Cartesian2(0, 12),
          scaleByDistance: new NearFarScalar(5_000, 1, 60_000, 0.7),
          disableDepthTestDistance: ALWAYS_VISIBLE,
        },
      }),
    );
    this.docks.set(dock.sn, e);
    // The coverage circle is an entity of its own so that clicking inside it picks the ground, not the dock.
    this.coverage.set(
      dock.sn,
      this.entities.add(
        new Entity({
          id: `coverage:${dock.sn}`,
          position,
          ellipse: {
            semiMajorAxis: dock.coverageRadiusM,
            semiMinorAxis: dock.coverageRadiusM,
            height: 0,
            material: new ColorMaterialProperty(color.withAlpha(selected ? 0.16 : 0.05)),
            outline: true,
            outlineColor: color.withAlpha(selected ? 0.9 : 0.35),
          },
        }),
      ),
    );
    return true;
  }

  private syncDrone(dock: DockView, trail: readonly TrailPoint[]): boolean {
    const t = dock.drone;
    const existing = this.drones.get(dock.sn);
    if (!t) {
      if (!existing) return false;
      for (const e of Object.values(existing)) this.entities.remove(e);
      this.drones.delete(dock.sn);
      this.lines.delete(dock.sn);
      return true;
    }
    const pos = Cartesian3.fromDegrees(t.lon, t.lat, t.altAmslM);
    const ground = Cartesian3.fromDegrees(t.lon, t.lat, 0);
    const label = `${dock.name} 无人机\n${t.altRelM.toFixed(0)} m · ${Math.round(t.batteryPct)}%`;
    const trailPositions = trail.length >= 2 ? trail.map(positionOf) : [];
    this.lines.set(dock.sn, { trail: trailPositions, stem: [ground, pos] });
    if (!existing) {
      const sn = dock.sn;
      const point = this.entities.add(
        new Entity({
          id: `drone:${dock.sn}`,
          position: new ConstantPositionProperty(pos),
          point: { pixelSize: 14, color: DRONE_COLOR, outlineColor: Color.BLACK, outlineWidth: 2, disableDepthTestDistance: ALWAYS_VISIBLE },
          label: {
            text: new ConstantProperty(label),
            font: '14px "Noto Sans CJK SC", sans-serif',
            fillColor: DRONE_COLOR,
            outlineColor: Color.BLACK,
            outlineWidth: 3,
            style: LabelStyle.FILL_AND_OUTLINE,
            verticalOrigin: VerticalOrigin.CENTER,
            horizontalOrigin: HorizontalOrigin.LEFT,
            pixelOffset: new Cartesian2(14, 0),
            disableDepthTestDistance: ALWAYS_VISIBLE,
          },
        }),
      );
      const stem = this.entities.add(
        new Entity({ id: `drone-stem:${dock.sn}`, polyline: { positions: new CallbackProperty(() => this.lines.get(sn)?.stem ?? [], false), width: 2, arcType: ArcType.NONE, material: DRONE_COLOR.withAlpha(0.7) } }),
      );
      const trailEntity = this.entities.add(
        new Entity({
          id: `drone-trail:${dock.sn}`,
          polyline: { positions: new CallbackProperty(() => this.lines.get(sn)?.trail ?? [], false), width: 4, arcType: ArcType.NONE, material: new PolylineGlowMaterialProperty({ color: DRONE_COLOR, glowPower: 0.25 }) },
        }),
      );
      this.drones.set(dock.sn, { point, stem, trail: trailEntity });
      return true;
    }
    (existing.point.position as ConstantPositionProperty).setValue(pos);
    (existing.point.label!.text as ConstantProperty).setValue(label);
    return true;
  }

  private syncTarget(target: { lat: number; lon: number } | null): boolean {
    if (!target) {
      if (!this.target) return false;
      this.entities.remove(this.target);
      this.target = null;
      return true;
    }
    const pos = Cartesian3.fromDegrees(target.lon, target.lat, 0);
    if (!this.target) {
      this.target = this.entities.add(
        new Entity({
          id: 'target',
          position: new ConstantPositionProperty(pos),
          point: { pixelSize: 14, color: TARGET_COLOR, outlineColor: Color.WHITE, outlineWidth: 2, disableDepthTestDistance: ALWAYS_VISIBLE },
          label: {
            text: '目标点',
            font: '14px "Noto Sans CJK SC", sans-serif',
            fillColor: TARGET_COLOR,
            outlineColor: Color.BLACK,
            outlineWidth: 3,
            style: LabelStyle.FILL_AND_OUTLINE,
            verticalOrigin: VerticalOrigin.BOTTOM,
            pixelOffset: new Cartesian2(0, -12),
            disableDepthTestDistance: ALWAYS_VISIBLE,
          },
        }),
      );
      return true;
    }
    (this.target.position as ConstantPositionProperty).setValue(pos);
    return true;
  }

  /** The dock serial number of a picked dock or drone, or null. */
  snOf(picked: unknown): string | null {
    const id = (picked as { id?: { id?: unknown } } | undefined)?.id?.id;
    if (typeof id !== 'string') return null;
    const m = /^(?:dock|drone|drone-stem|drone-trail):(.+)$/.exec(id);
    return m ? m[1]! : null;
  }

  /** Where a dock is drawn, for the camera. */
  dockPosition(sn: string, time: JulianDate): Cartesian3 | undefined {
    return this.docks.get(sn)?.position?.getValue(time);
  }

  /** The drones and docks as drawn, read back from the entities. */
  readBack(state: OpsState, time: JulianDate): { drones: Record<string, OpsDroneHook>; docks: Record<string, OpsDockHook> } {
    const drones: Record<string, OpsDroneHook> = {};
    for (const [sn, e] of this.drones) {
      const t = state.docks[sn]?.drone;
      const p = e.point.position?.getValue(time);
      if (!t || !p) continue;
      const c = Cartographic.fromCartesian(p);
      drones[sn] = {
        sysId: t.sysId,
        lat: CesiumMath.toDegrees(c.latitude),
        lon: CesiumMath.toDegrees(c.longitude),
        altM: c.height,
        altRelM: t.altRelM,
        batteryPct: t.batteryPct,
        mode: t.mode,
        armed: t.armed,
        groundSpeedMps: t.groundSpeedMps,
        trailPoints: (e.trail.polyline?.positions?.getValue(time) as Cartesian3[] | undefined)?.length ?? 0,
      };
    }
    const docks: Record<string, OpsDockHook> = {};
    for (const d of Object.values(state.docks)) {
      if (!this.docks.has(d.sn)) continue;
      docks[d.sn] = { name: d.name, lat: d.lat, lon: d.lon, state: d.state, online: d.online, droneLinked: d.droneLinked, coverageRadiusM: d.coverageRadiusM, alarms: d.alarms.length };
    }
    return { drones, docks };
  }

  /** Removes every entity the console added. */
  clear(): void {
    for (const e of [...this.docks.values(), ...this.coverage.values()]) this.entities.remove(e);
    for (const d of this.drones.values()) for (const e of Object.values(d)) this.entities.remove(e);
    if (this.target) this.entities.remove(this.target);
    this.docks.clear();
    this.dockKeys.clear();
    this.coverage.clear();
    this.drones.clear();
    this.lines.clear();
    this.target = null;
  }
}
