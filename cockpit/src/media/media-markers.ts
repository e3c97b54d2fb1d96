/**
 * Image markers on the Cesium map: where the camera was for each image (a point at its height
 * with a stem to the ground) and, for the selected image, its footprint on the ground. Exported
 * for the department portal, the operator console and the big screen.
 */
import { Cartesian3, Color, ConstantProperty, Entity, NearFarScalar, PolygonHierarchy, type EntityCollection } from 'cesium';
import type { MediaView } from '../../../protocol/media.schema.ts';
import { nadirFootprint } from './media-footprint.ts';

const CAMERA_COLOR = Color.fromCssColorString('#00e5ff');
const SELECTED_COLOR = Color.fromCssColorString('#ffea00');
const FOOTPRINT_FILL = Color.fromCssColorString('#ffea00').withAlpha(0.18);

/** Owns the image markers in an entity collection. */
export class MediaMarkers {
  private readonly markers = new Map<number, Entity>();
  /** Whether each marker is drawn as the selected one. */
  private readonly highlighted = new Map<number, boolean>();
  private footprint: Entity | null = null;
  private footprintOf: number | null = null;

  constructor(private readonly entities: EntityCollection) {}

  /** Shows these images (others are removed) and the footprint of the selected one; true when anything changed. */
  sync(items: readonly MediaView[], selectedId: number | null = null): boolean {
    let changed = false;
    const keep = new Set(items.map((m) => m.id));
    for (const [id, e] of this.markers) {
      if (keep.has(id)) continue;
      this.entities.remove(e);
      this.markers.delete(id);
      this.highlighted.delete(id);
      changed = true;
    }
    for (const m of items) {
      let e = this.markers.get(m.id);
      if (!e) {
        const top = Cartesian3.fromDegrees(m.pose.lon, m.pose.lat, m.pose.altAmslM);
        e = this.entities.add(
          new Entity({
            id: `media-${m.id}`,
            name: `影像 #${m.id}`,
            position: top,
            point: { pixelSize: 8, color: CAMERA_COLOR, outlineColor: Color.BLACK, outlineWidth: 1, disableDepthTestDistance: Number.POSITIVE_INFINITY, scaleByDistance: new NearFarScalar(2_000, 1.2, 60_000, 0.6) },
            polyline: { positions: [top, Cartesian3.fromDegrees(m.pose.lon, m.pose.lat, m.pose.altAmslM - m.pose.altRelM)], width: 1, material: CAMERA_COLOR.withAlpha(0.5) },
          }),
        );
        this.markers.set(m.id, e);
        changed = true;
      }
      const isSelected = m.id === selectedId;
      if (e.point && this.highlighted.get(m.id) !== isSelected) {
        e.point.color = new ConstantProperty(isSelected ? SELECTED_COLOR : CAMERA_COLOR);
        e.point.pixelSize = new ConstantProperty(isSelected ? 12 : 8);
        this.highlighted.set(m.id, isSelected);
        changed = true;
      }
    }
    const selected = items.find((m) => m.id === selectedId) ?? null;
    if ((selected?.id ?? null) !== this.footprintOf) {
      if (this.footprint) this.entities.remove(this.footprint);
      this.footprint = null;
      if (selected) {
        const ring = nadirFootprint(selected.pose).flatMap(([lon, lat]) => [lon, lat]);
        this.footprint = this.entities.add(
          new Entity({
            id: `media-footprint-${selected.id}`,
            polygon: { hierarchy: new PolygonHierarchy(Cartesian3.fromDegreesArray(ring)), material: FOOTPRINT_FILL, outline: true, outlineColor: SELECTED_COLOR },
          }),
        );
      }
      this.footprintOf = selected?.id ?? null;
      changed = true;
    }
    return changed;
  }

  /** The image id of a picked entity (a marker or a footprint), or null. */
  mediaIdOf(picked: unknown): number | null {
    const id = (picked as { id?: { id?: unknown } } | undefined)?.id?.id;
    if (typeof id !== 'string') return null;
    const m = /^media-(?:footprint-)?(\d+)$/.exec(id);
    return m ? Number(m[1]) : null;
  }

  /** Removes every marker. */
  clear(): void {
    for (const e of this.markers.values()) this.entities.remove(e);
    this.markers.clear();
    this.highlighted.clear();
    if (this.footprint) this.entities.remove(this.footprint);
    this.footprint = null;
    this.footprintOf = null;
  }
}
