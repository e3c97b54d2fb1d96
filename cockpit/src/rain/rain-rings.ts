/** Rain intensity on the map: a translucent ring on the ground around each sensor, sized and coloured by its latest mm/h. */
import { Cartesian3, Color, ColorMaterialProperty, ConstantProperty, type EntityCollection } from 'cesium';
import type { SensorRow } from '../sensors/sensor-state.ts';
import { testHooks } from '../test-hooks/test-hooks.ts';

const ID_PREFIX = 'rain/';

/** Rain intensity classes: lower bound mm/h, colour (CSS hex) and Chinese label, lightest first. */
export const RAIN_CLASSES = [
  { minMmPerH: 0.1, color: '#81d4fa', label: '小雨 <10 mm/h' },
  { minMmPerH: 10, color: '#29b6f6', label: '中雨 ≥10' },
  { minMmPerH: 30, color: '#1565c0', label: '大雨 ≥30' },
  { minMmPerH: 60, color: '#7e57c2', label: '暴雨 ≥60' },
] as const;

/** Ring radius of an intensity, metres: 150 m at light rain up to 750 m at 120 mm/h. */
export function ringRadiusM(rainMmPerH: number): number {
  return Math.round(150 + Math.min(rainMmPerH, 120) * 5);
}

/** The colour class of an intensity, or null when it is dry. */
export function rainClass(rainMmPerH: number): (typeof RAIN_CLASSES)[number] | null {
  let found: (typeof RAIN_CLASSES)[number] | null = null;
  for (const c of RAIN_CLASSES) if (rainMmPerH >= c.minMmPerH) found = c;
  return found;
}

declare module '../test-hooks/test-hooks.ts' {
  interface YzgTestHooks {
    /** Rain rings on the map: latest mm/h by sensor serial number. */
    rainRings?: Record<string, number>;
  }
}

/** Keeps one ground ring per raining sensor in `entities`. */
export class RainRings {
  private readonly applied = new Map<string, string>();

  constructor(private readonly entities: EntityCollection) {}

  /** Adds, updates and removes rings to match `rows`; returns true when anything changed. */
  sync(rows: readonly SensorRow[]): boolean {
    let changed = false;
    const seen = new Set<string>();
    const hook: Record<string, number> = {};
    for (const { sensor } of rows) {
      const rain = sensor.latest?.rainMmPerH ?? 0;
      const cls = rainClass(rain);
      if (!cls) continue;
      seen.add(sensor.sn);
      hook[sensor.sn] = rain;
      const radius = ringRadiusM(rain);
      const key = `${cls.color}|${radius}|${sensor.lat}|${sensor.lon}`;
      if (this.applied.get(sensor.sn) === key) continue;
      this.applied.set(sensor.sn, key);
      changed = true;
      const entity = this.entities.getById(ID_PREFIX + sensor.sn);
      const fill = Color.fromCssColorString(cls.color).withAlpha(0.28);
      const outline = Color.fromCssColorString(cls.color).withAlpha(0.9);
      if (entity?.ellipse) {
        entity.ellipse.semiMajorAxis = new ConstantProperty(radius);
        entity.ellipse.semiMinorAxis = new ConstantProperty(radius);
        entity.ellipse.material = new ColorMaterialProperty(fill);
        entity.ellipse.outlineColor = new ConstantProperty(outline);
        continue;
      }
      this.entities.add({
        id: ID_PREFIX + sensor.sn,
        position: Cartesian3.fromDegrees(sensor.lon, sensor.lat, 0),
        ellipse: { semiMajorAxis: radius, semiMinorAxis: radius, height: 0, material: fill, outline: true, outlineColor: outline, outlineWidth: 2 },
      });
    }
    for (const sn of [...this.applied.keys()]) {
      if (seen.has(sn)) continue;
      this.entities.removeById(ID_PREFIX + sn);
      this.applied.delete(sn);
      changed = true;
    }
    testHooks().rainRings = hook;
    return changed;
  }

  /** Removes every ring. */
  clear(): void {
    for (const sn of this.applied.keys()) this.entities.removeById(ID_PREFIX + sn);
    this.applied.clear();
  }
}
