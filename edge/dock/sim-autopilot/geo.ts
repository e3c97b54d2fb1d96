/** Small flat-earth geodesy for the simulator (accurate to centimetres over tens of kilometres). */

/** Mean earth radius, metres. */
export const EARTH_RADIUS_M = 6_371_008.8;
const RAD = Math.PI / 180;

/** A point in degrees. */
export interface LatLon {
  lat: number;
  lon: number;
}

/** North and east offsets from `a` to `b`, metres. */
export function offsetNeM(a: LatLon, b: LatLon): { northM: number; eastM: number } {
  const northM = (b.lat - a.lat) * RAD * EARTH_RADIUS_M;
  const eastM = (b.lon - a.lon) * RAD * EARTH_RADIUS_M * Math.cos(((a.lat + b.lat) / 2) * RAD);
  return { northM, eastM };
}

/** The point `northM`/`eastM` metres from `p`. */
export function moveNe(p: LatLon, northM: number, eastM: number): LatLon {
  const lat = p.lat + northM / EARTH_RADIUS_M / RAD;
  const lon = p.lon + eastM / (EARTH_RADIUS_M * Math.cos(p.lat * RAD)) / RAD;
  return { lat, lon };
}

/** Great-circle distance, metres (haversine). */
export function distanceM(a: LatLon, b: LatLon): number {
  const dLat = (b.lat - a.lat) * RAD;
  const dLon = (b.lon - a.lon) * RAD;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * RAD) * Math.cos(b.lat * RAD) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Heading from north, degrees 0–360, of a north/east vector. */
export function headingDeg(northM: number, eastM: number): number {
  const h = Math.atan2(eastM, northM) / RAD;
  return h < 0 ? h + 360 : h;
}

/** True when `p` lies inside the polygon (ray casting; vertices in order, not closed). */
export function insidePolygon(p: LatLon, vertices: LatLon[]): boolean {
  let inside = false;
  for (let i = 0, j = vertices.length - 1; i < vertices.length; j = i++) {
    const a = vertices[i]!;
    const b = vertices[j]!;
    if (a.lat > p.lat !== b.lat > p.lat && p.lon < ((b.lon - a.lon) * (p.lat - a.lat)) / (b.lat - a.lat) + a.lon) inside = !inside;
  }
  return inside;
}
