/** The sensors' map markers: one Cesium entity (point + name label) per sensor, coloured by band. */
import {
  Cartesian2,
  Cartesian3,
  Color,
  ConstantPositionProperty,
  ConstantProperty,
  DistanceDisplayCondition,
  Entity,
  LabelStyle,
  NearFarScalar,
  VerticalOrigin,
  type EntityCollection,
  type JulianDate,
} from 'cesium';
import { bandRank, SENSOR_BAND_COLORS, type SensorBand, type SensorRow } from '../sensors/sensor-state.ts';
import type { YzgSensorHook } from '../test-hooks/test-hooks.ts';

const ID_PREFIX = 'sensor/';
const LABEL_FONT = '500 14px "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif';
/**
 * Calm sensors (dry or without data) are labelled only while the camera is within this distance,
 * metres (a town, not the whole district), so that in the overview the names of the sensors
 * that need attention stand out; those are labelled at any distance.
 */
const CALM_LABEL_MAX_DISTANCE_M = 30_000;
/** Marker diameter by band, pixels: the worse the band, the bigger the point. */
const PIXEL_SIZE: Record<SensorBand, number> = { nodata: 11, dry: 12, notice: 14, warning: 16, restrict: 18, close: 18 };
/** Extra diameter of the selected sensor's marker, pixels. */
const SELECTED_EXTRA_PX = 6;
const ALWAYS = new DistanceDisplayCondition(0, Number.POSITIVE_INFINITY);
const WHEN_CLOSE = new DistanceDisplayCondition(0, CALM_LABEL_MAX_DISTANCE_M);
const ONLINE_OUTLINE = Color.WHITE;
const OFFLINE_OUTLINE = Color.fromCssColorString('#455a64');
const SELECTED_OUTLINE = Color.fromCssColorString('#00e5ff');
const BAND_COLORS = Object.fromEntries(
  Object.entries(SENSOR_BAND_COLORS).map(([band, css]) => [band, Color.fromCssColorString(css)]),
) as Record<SensorBand, Color>;

interface Applied {
  band: SensorBand;
  online: boolean;
  selected: boolean;
  name: string;
  lat: number;
  lon: number;
}

/** Keeps one entity per sensor in `entities` in step with the sensor rows. */
export class SensorMarkers {
  private readonly applied = new Map<string, Applied>();

  constructor(private readonly entities: EntityCollection) {}

  /** Adds, updates and removes markers to match `rows`; returns true when anything changed. */
  sync(rows: readonly SensorRow[], selectedSn: string | null): boolean {
    let changed = false;
    const seen = new Set<string>();
    this.entities.suspendEvents();
    try {
      for (const { sensor, band } of rows) {
        seen.add(sensor.sn);
        const next: Applied = {
          band,
          online: sensor.online,
          selected: sensor.sn === selectedSn,
          name: sensor.name,
          lat: sensor.lat,
          lon: sensor.lon,
        };
        const prev = this.applied.get(sensor.sn);
        if (prev && sameApplied(prev, next)) continue;
        this.apply(sensor.sn, next, prev);
        this.applied.set(sensor.sn, next);
        changed = true;
      }
      for (const sn of [...this.applied.keys()]) {
        if (seen.has(sn)) continue;
        this.entities.removeById(ID_PREFIX + sn);
        this.applied.delete(sn);
        changed = true;
      }
    } finally {
      this.entities.resumeEvents();
    }
    return changed;
  }

  /** Removes every marker. */
  clear(): void {
    for (const sn of this.applied.keys()) this.entities.removeById(ID_PREFIX + sn);
    this.applied.clear();
  }

  /** Serial number of the sensor a picked object belongs to, or null. */
  snOf(picked: unknown): string | null {
    const entity = (picked as { id?: unknown } | undefined)?.id;
    if (!(entity instanceof Entity) || !entity.id.startsWith(ID_PREFIX)) return null;
    return entity.id.slice(ID_PREFIX.length);
  }

  /** Position of a sensor's marker, if it has one. */
  positionOf(sn: string, time: JulianDate): Cartesian3 | undefined {
    return this.entities.getById(ID_PREFIX + sn)?.position?.getValue(time);
  }

  /** The markers as the map shows them, with colours read back from the entities themselves. */
  readBack(rows: readonly SensorRow[], time: JulianDate): Record<string, YzgSensorHook> {
    const out: Record<string, YzgSensorHook> = {};
    for (const { sensor, band } of rows) {
      const color = this.entities.getById(ID_PREFIX + sensor.sn)?.point?.color?.getValue(time) as Color | undefined;
      out[sensor.sn] = {
        depthMm: sensor.latest?.depthMm ?? null,
        band,
        online: sensor.online,
        color: color ? color.toCssHexString() : '',
      };
    }
    return out;
  }

  private apply(sn: string, next: Applied, prev: Applied | undefined): void {
    const outline = next.selected ? SELECTED_OUTLINE : next.online ? ONLINE_OUTLINE : OFFLINE_OUTLINE;
    const labelAlways = next.selected || bandRank(next.band) >= bandRank('notice');
    const entity = this.entities.getById(ID_PREFIX + sn);
    if (!entity || !prev) {
      if (entity) this.entities.remove(entity);
      this.entities.add({
        id: ID_PREFIX + sn,
        name: next.name,
        position: Cartesian3.fromDegrees(next.lon, next.lat, 0),
        point: {
          color: BAND_COLORS[next.band],
          pixelSize: pixelSize(next),
          outlineColor: outline,
          outlineWidth: next.selected ? 3 : 2,
          disableDepthTestDistance: Number.POSITIVE_INFINITY,
        },
        label: {
          text: next.name,
          font: LABEL_FONT,
          style: LabelStyle.FILL_AND_OUTLINE,
          fillColor: next.online ? Color.WHITE : Color.LIGHTGRAY,
          outlineColor: Color.BLACK,
          outlineWidth: 3,
          showBackground: true,
          backgroundColor: new Color(0.03, 0.08, 0.16, 0.72),
          verticalOrigin: VerticalOrigin.BOTTOM,
          pixelOffset: new Cartesian2(0, -14),
          scaleByDistance: new NearFarScalar(2_000, 1.05, 60_000, 0.8),
          distanceDisplayCondition: labelAlways ? ALWAYS : WHEN_CLOSE,
          disableDepthTestDistance: Number.POSITIVE_INFINITY,
        },
      });
      return;
    }
    const point = entity.point;
    const label = entity.label;
    if (!point || !label) return;
    if (prev.lat !== next.lat || prev.lon !== next.lon) {
      entity.position = new ConstantPositionProperty(Cartesian3.fromDegrees(next.lon, next.lat, 0));
    }
    if (prev.name !== next.name) {
      entity.name = next.name;
      label.text = new ConstantProperty(next.name);
    }
    point.color = new ConstantProperty(BAND_COLORS[next.band]);
    point.outlineColor = new ConstantProperty(outline);
    point.pixelSize = new ConstantProperty(pixelSize(next));
    point.outlineWidth = new ConstantProperty(next.selected ? 3 : 2);
    label.fillColor = new ConstantProperty(next.online ? Color.WHITE : Color.LIGHTGRAY);
    label.distanceDisplayCondition = new ConstantProperty(labelAlways ? ALWAYS : WHEN_CLOSE);
  }
}

function pixelSize(a: Applied): number {
  return PIXEL_SIZE[a.band] + (a.selected ? SELECTED_EXTRA_PX : 0);
}

function sameApplied(a: Applied, b: Applied): boolean {
  return (
    a.band === b.band &&
    a.online === b.online &&
    a.selected === b.selected &&
    a.name === b.name &&
    a.lat === b.lat &&
    a.lon === b.lon
  );
}
