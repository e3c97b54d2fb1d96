/**
 * Detection markers on the Cesium map: where each detection of the opened image lies on the
 * ground (a point with its class in Chinese and score; ringed when it is evidence of an event).
 */
import { Cartesian2, Cartesian3, Color, Entity, HeightReference, LabelStyle, VerticalOrigin, type EntityCollection } from 'cesium';
import { DETECTION_CLASS_LABELS_ZH, type DetectionView } from '../../../protocol/detection.schema.ts';

const COLOURS: Record<string, string> = { waterlogging: '#29b6f6', garbage: '#ffb300', 'floating-debris': '#66bb6a', text: '#ef5350' };

/** Owns the detection markers in an entity collection. */
export class DetectionMarkers {
  private readonly markers = new Map<number, Entity>();

  constructor(private readonly entities: EntityCollection) {}

  /** Shows these detections (those with a place); others are removed. True when anything changed. */
  sync(items: readonly DetectionView[]): boolean {
    let changed = false;
    const placed = items.filter((d) => d.lat !== null && d.lon !== null);
    const keep = new Set(placed.map((d) => d.id));
    for (const [id, e] of this.markers) {
      if (keep.has(id)) continue;
      this.entities.remove(e);
      this.markers.delete(id);
      changed = true;
    }
    for (const d of placed) {
      if (this.markers.has(d.id)) continue;
      const colour = Color.fromCssColorString(COLOURS[d.class] ?? '#e040fb');
      const e = this.entities.add(
        new Entity({
          id: `detection-${d.id}`,
          name: `${DETECTION_CLASS_LABELS_ZH[d.class] ?? d.class} ${(d.score * 100).toFixed(0)}%`,
          position: Cartesian3.fromDegrees(d.lon!, d.lat!),
          point: {
            pixelSize: 10,
            color: colour,
            outlineColor: d.eventId !== null ? Color.WHITE : Color.BLACK,
            outlineWidth: d.eventId !== null ? 3 : 1,
            heightReference: HeightReference.CLAMP_TO_GROUND,
            disableDepthTestDistance: Number.POSITIVE_INFINITY,
          },
          label: {
            text: `${DETECTION_CLASS_LABELS_ZH[d.class] ?? d.class} ${(d.score * 100).toFixed(0)}%`,
            font: '13px sans-serif',
            fillColor: colour,
            outlineColor: Color.BLACK,
            outlineWidth: 3,
            style: LabelStyle.FILL_AND_OUTLINE,
            verticalOrigin: VerticalOrigin.BOTTOM,
            pixelOffset: new Cartesian2(0, -10),
            heightReference: HeightReference.CLAMP_TO_GROUND,
            disableDepthTestDistance: Number.POSITIVE_INFINITY,
          },
        }),
      );
      this.markers.set(d.id, e);
      changed = true;
    }
    return changed;
  }

  /** Removes every marker. */
  clear(): void {
    for (const e of this.markers.values()) this.entities.remove(e);
    this.markers.clear();
  }
}
