/**
 * Airspace the planner respects: keep-out zones (airports, the Guangzhou South railway hub …) and
 * keep-in operation areas, as read from `data/airspace.json` (a GeoJSON FeatureCollection), and
 * their prepared form in a local metric frame. Keep-out zones are avoided by their convex hull
 * grown by a safety margin (a conservative shape that makes avoidance simple and exact). Pure.
 */
import type { LonLat } from '../../protocol/plan.schema.ts';
import { convexHull, growConvex, insideRing, signedArea, type LocalFrame, type Xy } from './geo.ts';

/** Kinds of airspace zone. */
export type ZoneKind = 'keep-out' | 'keep-in';

/** One zone: a polygon ring of `[lon, lat]` (closed or open). */
export interface AirspaceZone {
  id: string;
  nameZh: string;
  nameEn: string;
  kind: ZoneKind;
  /** Drawn for the demo, not a real zone. */
  synthetic?: boolean;
  ring: LonLat[];
}

/** The zones the planner respects. No keep-in zone means "anywhere". */
export interface Airspace {
  zones: AirspaceZone[];
}

/** Reads the airspace from a GeoJSON FeatureCollection of Polygons with `id`, `nameZh`, `nameEn`, `kind` properties. */
export function parseAirspace(json: unknown): Airspace {
  const fc = json as { type?: string; features?: Array<{ properties?: Record<string, unknown>; geometry?: { type?: string; coordinates?: unknown } }> };
  if (fc?.type !== 'FeatureCollection' || !Array.isArray(fc.features)) throw new Error('airspace: not a GeoJSON FeatureCollection');
  const zones = fc.features.map((f, i): AirspaceZone => {
    const p = f.properties ?? {};
    const kind = p.kind;
    if (kind !== 'keep-out' && kind !== 'keep-in') throw new Error(`airspace feature ${i}: kind must be keep-out or keep-in`);
    if (f.geometry?.type !== 'Polygon' || !Array.isArray(f.geometry.coordinates)) throw new Error(`airspace feature ${i}: geometry must be a Polygon`);
    const ring = (f.geometry.coordinates as LonLat[][])[0];
    if (!ring || ring.length < 3) throw new Error(`airspace feature ${i}: ring needs 3 or more positions`);
    return { id: String(p.id ?? `zone-${i}`), nameZh: String(p.nameZh ?? p.id ?? ''), nameEn: String(p.nameEn ?? p.id ?? ''), kind, synthetic: p.synthetic === true, ring };
  });
  return { zones };
}

/** A keep-out zone prepared in a local frame. */
export interface PreparedKeepOut {
  zone: AirspaceZone;
  /** The zone's ring, metres, not closed. */
  ring: Xy[];
  /** Convex hull grown by the hard margin: no flight leg may enter it. */
  obstacle: Xy[];
  /** Convex hull grown by the clip margin: coverage lines and photos stay out of it. */
  clip: Xy[];
  /** Convex hull grown by the detour margin: the corners a detour flies through. */
  corners: Xy[];
}

/** A keep-in area prepared in a local frame. */
export interface PreparedKeepIn {
  zone: AirspaceZone;
  ring: Xy[];
}

/** Margins around keep-out zones, metres. */
export interface KeepOutMargins {
  /** No leg may come closer than this to a keep-out zone (default 40). */
  hardM: number;
  /** Coverage lines, photos, route points and POIs keep this far away (default 50). */
  clipM: number;
  /** Detours fly this far from the zone (default 60). */
  detourM: number;
}

/** Default margins around keep-out zones, metres. */
export const DEFAULT_KEEP_OUT_MARGINS: KeepOutMargins = { hardM: 40, clipM: 50, detourM: 60 };

/** The airspace in a local frame. */
export interface PreparedAirspace {
  keepOut: PreparedKeepOut[];
  keepIn: PreparedKeepIn[];
  margins: KeepOutMargins;
}

/** Converts a ring of `[lon, lat]` into an open ring of metres. */
export function ringToXy(frame: LocalFrame, ring: LonLat[]): Xy[] {
  const pts = ring.map((p) => frame.toXy(p));
  const first = pts[0];
  const last = pts[pts.length - 1];
  if (first && last && pts.length > 1 && first.x === last.x && first.y === last.y) pts.pop();
  return pts;
}

/** Prepares the airspace in `frame`. */
export function prepareAirspace(airspace: Airspace, frame: LocalFrame, margins: KeepOutMargins = DEFAULT_KEEP_OUT_MARGINS): PreparedAirspace {
  const keepOut: PreparedKeepOut[] = [];
  const keepIn: PreparedKeepIn[] = [];
  for (const zone of airspace.zones) {
    let ring = ringToXy(frame, zone.ring);
    if (signedArea(ring) < 0) ring = [...ring].reverse();
    if (zone.kind === 'keep-in') {
      keepIn.push({ zone, ring });
      continue;
    }
    const hull = convexHull(ring);
    keepOut.push({ zone, ring, obstacle: growConvex(hull, margins.hardM), clip: growConvex(hull, margins.clipM), corners: growConvex(hull, margins.detourM) });
  }
  return { keepOut, keepIn, margins };
}

/** True when `p` lies in some keep-in area (or there is none). */
export function insideKeepIn(p: Xy, air: PreparedAirspace): boolean {
  return air.keepIn.length === 0 || air.keepIn.some((k) => insideRing(p, k.ring));
}

/** The keep-out zone whose clip margin holds `p`, if any. */
export function keepOutAt(p: Xy, air: PreparedAirspace, which: 'ring' | 'clip' | 'obstacle' = 'clip'): PreparedKeepOut | undefined {
  return air.keepOut.find((k) => insideRing(p, k[which]));
}

/** A zone's name for people: `中文 / English`. */
export function zoneLabel(zone: AirspaceZone): string {
  return `${zone.nameZh} / ${zone.nameEn}`;
}
