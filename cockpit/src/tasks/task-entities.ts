/** The portal globe's Cesium entities: airspace zones, docks, the shape being drawn or the task's shape, planned paths and the drone. */
import {
  ArcType,
  Cartesian2,
  Cartesian3,
  CallbackProperty,
  Color,
  ConstantPositionProperty,
  Entity,
  LabelStyle,
  PolygonHierarchy,
  PolylineDashMaterialProperty,
  VerticalOrigin,
  type EntityCollection,
} from 'cesium';
import type { DockView } from '../../../protocol/dock.schema.ts';
import type { LonLat, TaskGeometry } from '../../../protocol/plan.schema.ts';
import type { AirspaceZoneView } from './task-api.ts';

const KEEP_OUT = Color.fromCssColorString('#ff1744');
const KEEP_IN = Color.fromCssColorString('#69f0ae');
const SHAPE = Color.fromCssColorString('#ffd740');
const PATH = Color.fromCssColorString('#40c4ff');
const DRONE = Color.fromCssColorString('#ffab40');
const DOCK = Color.fromCssColorString('#b2ff59');
/**
 * Lines float this high over the ellipsoid so the globe does not hide them, metres. Areas get an
 * explicit height so that Cesium draws them as plain primitives, not ground-clamped ones.
 */
const LINE_LIFT_M = 3;

const at = ([lon, lat]: LonLat, h = LINE_LIFT_M) => Cartesian3.fromDegrees(lon, lat, h);
const labelStyle = (text: string, color: Color) => ({
  text,
  font: '14px "Noto Sans CJK SC", sans-serif',
  fillColor: color,
  outlineColor: Color.BLACK,
  outlineWidth: 3,
  style: LabelStyle.FILL_AND_OUTLINE,
  verticalOrigin: VerticalOrigin.BOTTOM,
  pixelOffset: new Cartesian2(0, -10),
  disableDepthTestDistance: Number.POSITIVE_INFINITY,
});

/** A shape (drawn or of a task) as what the globe shows. */
export interface ShapeSpec {
  kind: TaskGeometry['kind'];
  points: LonLat[];
  /** A polygon is drawn filled once closed; while drawing only its outline shows. */
  closed: boolean;
}

/** Owns the portal's entities; each group is replaced when its input changes. */
export class TaskEntities {
  private readonly groups = new Map<string, { key: string; entities: Entity[] }>();
  private drone: Entity | null = null;
  private shapeNow: ShapeSpec | null = null;
  private shapeLine: Entity | null = null;
  private shapeFill: Entity | null = null;

  constructor(private readonly collection: EntityCollection) {}

  /** Replaces group `name` when `key` differs from what it was drawn from; true when something changed. */
  private replace(name: string, key: string, build: () => Entity[]): boolean {
    const g = this.groups.get(name);
    if (g?.key === key) return false;
    for (const e of g?.entities ?? []) this.collection.remove(e);
    const entities = build().map((e) => this.collection.add(e));
    this.groups.set(name, { key, entities });
    return true;
  }

  /** Keep-out zones in red, keep-in areas as a green dashed outline; returns whether they changed. */
  zones(zones: AirspaceZoneView[]): boolean {
    return this.replace('zones', zones.map((z) => z.id).join(','), () =>
      zones.flatMap((z) => {
        const ring = z.ring.map((p) => at(p));
        const outline = new Entity({ polyline: { positions: [...ring, ring[0]!], width: 2, arcType: ArcType.GEODESIC, material: z.kind === 'keep-out' ? KEEP_OUT : new PolylineDashMaterialProperty({ color: KEEP_IN.withAlpha(0.7) }) } });
        if (z.kind === 'keep-in') return [outline];
        const lon = z.ring.reduce((s, p) => s + p[0], 0) / z.ring.length;
        const lat = z.ring.reduce((s, p) => s + p[1], 0) / z.ring.length;
        return [
          new Entity({ polygon: { hierarchy: new PolygonHierarchy(z.ring.map((p) => at(p, 0))), material: KEEP_OUT.withAlpha(0.3), height: 0 } }),
          outline,
          new Entity({ position: at([lon, lat], 0), label: labelStyle(`禁飞 ${z.nameZh}`, KEEP_OUT) }),
        ];
      }),
    );
  }

  /** The docks with their names. */
  docks(docks: DockView[]): boolean {
    return this.replace('docks', docks.map((d) => d.sn).join(','), () =>
      docks.map((d) => new Entity({ position: at([d.lon, d.lat], 0), point: { pixelSize: 10, color: DOCK, outlineColor: Color.BLACK, outlineWidth: 2, disableDepthTestDistance: Number.POSITIVE_INFINITY }, label: labelStyle(d.name, DOCK) })),
    );
  }

  /**
   * The task's shape (or the one being drawn). Its outline and fill are drawn through callbacks,
   * so that each click shows at once (static geometry is rebuilt asynchronously, frames later).
   */
  shape(spec: ShapeSpec | null): boolean {
    this.shapeNow = spec;
    if (!this.shapeLine) {
      this.shapeLine = this.collection.add(
        new Entity({
          polyline: { positions: new CallbackProperty(() => this.shapeRing(), false), width: 3, arcType: ArcType.GEODESIC, material: SHAPE },
        }),
      );
      this.shapeFill = this.collection.add(
        new Entity({
          polygon: {
            hierarchy: new CallbackProperty(() => new PolygonHierarchy(this.filledPoints().map((p) => at(p, 0))), false),
            show: new CallbackProperty(() => this.filledPoints().length >= 3, false),
            material: SHAPE.withAlpha(0.25),
            height: 0,
          },
        }),
      );
    }
    return this.replace('shape', JSON.stringify(spec), () =>
      (spec?.points ?? []).map((p) => new Entity({ position: at(p), point: { pixelSize: 8, color: SHAPE, outlineColor: Color.BLACK, outlineWidth: 1, disableDepthTestDistance: Number.POSITIVE_INFINITY } })),
    );
  }

  /** Outline of the current shape: the route or polygon ring (closed once finished); nothing for points. */
  private shapeRing(): Cartesian3[] {
    const spec = this.shapeNow;
    if (!spec || spec.kind === 'points' || spec.points.length < 2) return [];
    const pts = spec.points.map((p) => at(p));
    return spec.kind === 'polygon' && spec.closed ? [...pts, pts[0]!] : pts;
  }

  /** Corners of the current shape when it is a finished polygon. */
  private filledPoints(): LonLat[] {
    const spec = this.shapeNow;
    return spec?.kind === 'polygon' && spec.closed ? spec.points : [];
  }

  /** The planned flight paths, at their heights. */
  paths(paths: Array<Array<[number, number, number]>>): boolean {
    return this.replace('paths', JSON.stringify(paths.map((p) => [p.length, p[0], p.at(-1)])), () =>
      paths
        .filter((p) => p.length >= 2)
        .map((p) => {
          const positions = p.map(([lon, lat, alt]) => Cartesian3.fromDegrees(lon, lat, alt));
          // Through a callback: drawn in the frame it appears, not frames later when static geometry is built.
          return new Entity({ polyline: { positions: new CallbackProperty(() => positions, false), width: 2, material: PATH } });
        }),
    );
  }

  /** The drone's live position (height above the dock as drawn height); null hides it. */
  droneAt(pos: { lat: number; lon: number; altRelM: number } | null): boolean {
    if (!pos) {
      if (!this.drone) return false;
      this.collection.remove(this.drone);
      this.drone = null;
      return true;
    }
    const position = Cartesian3.fromDegrees(pos.lon, pos.lat, Math.max(0, pos.altRelM));
    if (!this.drone) {
      this.drone = this.collection.add(new Entity({ position: new ConstantPositionProperty(position), point: { pixelSize: 12, color: DRONE, outlineColor: Color.WHITE, outlineWidth: 2, disableDepthTestDistance: Number.POSITIVE_INFINITY }, label: labelStyle('无人机', DRONE) }));
    } else {
      (this.drone.position as ConstantPositionProperty).setValue(position);
    }
    return true;
  }

  /** Removes everything. */
  clear(): void {
    for (const g of this.groups.values()) for (const e of g.entities) this.collection.remove(e);
    this.groups.clear();
    for (const e of [this.drone, this.shapeLine, this.shapeFill]) if (e) this.collection.remove(e);
    this.drone = this.shapeLine = this.shapeFill = null;
  }
}
