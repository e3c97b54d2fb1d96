/**
 * Files each image a sortie's camera takes under the patrol tasks it serves: the tasks of the
 * sortie whose geometry the image's ground footprint touches (一飞多采: one image may serve two
 * departments; an image over only one department's area goes to that one alone). A department
 * then sees exactly the media of its own tasks.
 */
import { booleanIntersects, lineString, multiPoint, polygon } from '@turf/turf';
import type { Logger } from '../../common/logger.ts';
import type { ImagePose, MediaView } from '../../protocol/media.schema.ts';
import type { TaskGeometry } from '../../protocol/plan.schema.ts';
import type { TaskRepository } from '../repositories/task.repository.ts';
import type { MediaAccess } from '../services/media.service.ts';

const M_PER_DEG_LAT = 111_320;

/** The ground footprint of a nadir image, [lon, lat] ring (closed), from its pose. */
export function footprintRing(pose: ImagePose): Array<[number, number]> {
  const halfW = Math.max(0.5, pose.altRelM) * Math.tan((pose.hfovDeg * Math.PI) / 360);
  const halfH = (halfW * pose.heightPx) / pose.widthPx;
  const h = (pose.headingDeg * Math.PI) / 180;
  const mPerDegLon = M_PER_DEG_LAT * Math.cos((pose.lat * Math.PI) / 180);
  // Image right (x) and up (y) axes on the ground for a camera heading h (clockwise from north).
  const corner = (x: number, y: number): [number, number] => {
    const east = x * Math.cos(h) + y * Math.sin(h);
    const north = -x * Math.sin(h) + y * Math.cos(h);
    return [pose.lon + east / mPerDegLon, pose.lat + north / M_PER_DEG_LAT];
  };
  const ring = [corner(-halfW, halfH), corner(halfW, halfH), corner(halfW, -halfH), corner(-halfW, -halfH)];
  return [...ring, ring[0]!];
}

function geometryFeature(g: TaskGeometry) {
  if (g.kind === 'points') return multiPoint(g.coordinates);
  if (g.kind === 'route') return lineString(g.coordinates);
  const ring = g.coordinates.slice();
  const [a, b] = [ring[0]!, ring[ring.length - 1]!];
  if (a[0] !== b[0] || a[1] !== b[1]) ring.push(a);
  return polygon([ring]);
}

/** True when the image's footprint touches the task's geometry. */
export function poseServes(pose: ImagePose, g: TaskGeometry): boolean {
  return booleanIntersects(polygon([footprintRing(pose)]), geometryFeature(g));
}

/** The listener that files new images under the tasks of their sortie. */
export function mediaFiler(tasks: TaskRepository, media: { fileUnderTasks(mediaId: number, taskIds: readonly number[]): Promise<void> }, log: Logger): (m: MediaView) => Promise<void> {
  return async (m) => {
    if (m.sortieId === null) return;
    const sortie = await tasks.findSortie(String(m.sortieId));
    if (!sortie || sortie.taskIds.length === 0) return;
    const rows = (await Promise.all(sortie.taskIds.map((id) => tasks.find(id)))).filter((t) => t !== null);
    let served = rows.filter((t) => poseServes(m.pose, t.geometry)).map((t) => Number(t.id));
    // The camera fires only on the patterns: a photo touching no area (a footprint at a corner,
    // a pose a little off) belongs to the task whose area is nearest.
    if (served.length === 0) served = [Number(nearest(m.pose, rows).id)];
    await media.fileUnderTasks(m.id, served);
    log.debug({ mediaId: m.id, sortieId: m.sortieId, taskIds: served }, 'image filed under tasks');
  };
}

function nearest<T extends { geometry: TaskGeometry }>(pose: ImagePose, rows: T[]): T {
  const d = (t: T) => Math.min(...t.geometry.coordinates.map(([lon, lat]) => Math.hypot((lon - pose.lon) * Math.cos((pose.lat * Math.PI) / 180), lat - pose.lat)));
  return rows.reduce((best, t) => (d(t) < d(best) ? t : best));
}

/**
 * Files images that were stored but never filed (the hub stopped between storing an image and
 * filing it: the listener is not durable, this pass is). Returns how many it filed.
 */
export async function fileUnfiledMedia(tasks: TaskRepository, filer: (m: MediaView) => Promise<void>): Promise<number> {
  const unfiled = await tasks.unfiledMedia(200);
  for (const m of unfiled) await filer({ id: m.id, sortieId: m.sortieId, pose: m.pose } as MediaView);
  return unfiled.length;
}

/** What media a person may see: a department only its own tasks' images; the other roles all. */
export function mediaAccess(tasks: TaskRepository, unitOf: (username: string) => Promise<string | null>): MediaAccess {
  return async (viewer) => {
    if (viewer.role !== 'department') return null;
    const unit = await unitOf(viewer.username);
    return { taskIds: unit ? (await tasks.idsOfUnit(unit)).map(Number) : [] };
  };
}
