/** The cockpit's picture of the sensors: a snapshot from the API kept current by live messages. Pure. */
import { BAND_COLORS, BAND_LABELS_ZH, DEPTH_BANDS, depthBand, type DepthBand } from '../../../protocol/bands.ts';
import type { SensorView } from '../../../protocol/api.schema.ts';
import type { SensorLiveMessage } from '../api/live-feed.ts';

/** A depth band, or `nodata` before a sensor's first reading. */
export type SensorBand = DepthBand | 'nodata';

/** Marker colour of a sensor without readings (CSS hex). */
export const NODATA_COLOR = '#78909c';

/** Display colour of each band, including `nodata` (CSS hex). */
export const SENSOR_BAND_COLORS: Record<SensorBand, string> = { ...BAND_COLORS, nodata: NODATA_COLOR };

/** Chinese label of each band, including `nodata`. */
export const SENSOR_BAND_LABELS_ZH: Record<SensorBand, string> = { ...BAND_LABELS_ZH, nodata: '无数据' };

/** Sensors by serial number. */
export type SensorMap = ReadonlyMap<string, SensorView>;

/** A change to the sensor picture. */
export type SensorAction =
  | { type: 'snapshot'; sensors: readonly SensorView[] }
  | { type: 'live'; messages: readonly SensorLiveMessage[] }
  | { type: 'clear' };

/** The band of a sensor's latest reading. */
export function sensorBand(sensor: SensorView): SensorBand {
  return sensor.latest ? depthBand(sensor.latest.depthMm) : 'nodata';
}

/** Severity of a band: -1 for `nodata`, 0 for `dry` … 4 for `close`. */
export function bandRank(band: SensorBand): number {
  return band === 'nodata' ? -1 : DEPTH_BANDS.indexOf(band);
}

type Latest = NonNullable<SensorView['latest']>;

/** True when reading `a` is newer than `b` (by measurement time, then sequence number). */
export function isNewerReading(a: Latest, b: Latest | null): boolean {
  if (b === null) return true;
  const ta = Date.parse(a.ts);
  const tb = Date.parse(b.ts);
  if (ta !== tb) return ta > tb;
  return a.seq > b.seq;
}

/** Applies `action` to `state`; returns `state` itself when nothing changed. */
export function reduceSensors(state: SensorMap, action: SensorAction): SensorMap {
  switch (action.type) {
    case 'clear':
      return state.size === 0 ? state : new Map();
    case 'snapshot': {
      const next = new Map<string, SensorView>();
      for (const fresh of action.sensors) {
        const known = state.get(fresh.sn);
        // A live reading may have overtaken the snapshot while it was in flight.
        const keepKnown = known?.latest && (fresh.latest === null || isNewerReading(known.latest, fresh.latest));
        next.set(fresh.sn, keepKnown ? { ...fresh, latest: known.latest } : fresh);
      }
      return next;
    }
    case 'live': {
      let next: Map<string, SensorView> | null = null;
      for (const m of action.messages) {
        if (m.type === 'hello') continue;
        const current: SensorMap = next ?? state;
        const known = current.get(m.sn);
        if (!known) continue;
        let updated: SensorView | null = null;
        if (m.type === 'status') {
          if (known.online !== m.online) updated = { ...known, online: m.online };
        } else if (isNewerReading(m.reading, known.latest)) {
          updated = { ...known, online: true, latest: m.reading };
        }
        if (updated) {
          next ??= new Map(state);
          next.set(m.sn, updated);
        }
      }
      return next ?? state;
    }
  }
}

/** A sensor with its band, as the panel and the map show it. */
export interface SensorRow {
  sensor: SensorView;
  band: SensorBand;
}

/** Sensors worst first: by band, then depth, then online before offline, then name. */
export function sortWorstFirst(state: SensorMap): SensorRow[] {
  const rows = [...state.values()].map((sensor) => ({ sensor, band: sensorBand(sensor) }));
  return rows.sort(
    (a, b) =>
      bandRank(b.band) - bandRank(a.band) ||
      (b.sensor.latest?.depthMm ?? -1) - (a.sensor.latest?.depthMm ?? -1) ||
      Number(b.sensor.online) - Number(a.sensor.online) ||
      a.sensor.name.localeCompare(b.sensor.name, 'zh-CN'),
  );
}

/** Header counts. */
export interface SensorCounts {
  total: number;
  online: number;
  /** Sensors at `warning` or worse. */
  warningOrWorse: number;
}

/** Counts sensors for the header. */
export function countSensors(rows: readonly SensorRow[]): SensorCounts {
  const warning = bandRank('warning');
  return {
    total: rows.length,
    online: rows.filter((r) => r.sensor.online).length,
    warningOrWorse: rows.filter((r) => bandRank(r.band) >= warning).length,
  };
}

/** Depth in centimetres with one decimal, or an em dash without a reading. */
export function formatDepthCm(depthMm: number | null | undefined): string {
  return depthMm === null || depthMm === undefined ? '—' : `${(depthMm / 10).toFixed(1)} cm`;
}

const timeFormat = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** Time of a reading in Guangzhou local time (`MM/DD HH:mm:ss`), or an em dash. */
export function formatReadingTime(ts: string | null | undefined): string {
  if (!ts) return '—';
  const ms = Date.parse(ts);
  return Number.isNaN(ms) ? '—' : timeFormat.format(ms);
}
