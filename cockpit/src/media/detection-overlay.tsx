/**
 * 检测框 / Detection boxes drawn over an image: each box with its class (Chinese first) and
 * score, in the image's own pixels (an SVG overlay scaled with the image). Used by the media
 * lightbox and by the evidence of an event or ticket.
 */
import { DETECTION_CLASS_LABELS_ZH } from '../../../protocol/detection.schema.ts';

/** A box to draw. */
export interface OverlayBox {
  key: string | number;
  class: string;
  score: number;
  /** [x1, y1, x2, y2] in the image's pixels. */
  box: readonly [number, number, number, number] | readonly number[];
  /** Linked to an event (drawn solid) or not (dashed). */
  eventId?: number | null;
}

const COLOURS: Record<string, string> = { waterlogging: '#29b6f6', garbage: '#ffb300', 'floating-debris': '#66bb6a', text: '#ef5350' };

/** The Chinese-first label of a detection class. */
export function detectionLabel(cls: string): string {
  const zh = DETECTION_CLASS_LABELS_ZH[cls];
  return zh ? `${zh} ${cls}` : cls;
}

/** An image with its detection boxes over it. */
export function DetectedImage({ src, alt, widthPx, heightPx, boxes, testId }: { src: string; alt: string; widthPx: number; heightPx: number; boxes: readonly OverlayBox[]; testId?: string }) {
  const stroke = Math.max(1.5, widthPx / 300);
  const font = Math.max(10, widthPx / 40);
  return (
    <div className="mg-detected" data-testid={testId} data-boxes={boxes.length}>
      <img src={src} alt={alt} />
      <svg viewBox={`0 0 ${widthPx} ${heightPx}`} preserveAspectRatio="none" aria-label={`检测框 ${boxes.length} 个 / ${boxes.length} detections`}>
        {boxes.map((b) => {
          const [x1 = 0, y1 = 0, x2 = 0, y2 = 0] = b.box;
          const colour = COLOURS[b.class] ?? '#e040fb';
          return (
            <g key={b.key} data-class={b.class}>
              <rect x={x1} y={y1} width={Math.max(1, x2 - x1)} height={Math.max(1, y2 - y1)} fill="none" stroke={colour} strokeWidth={stroke} strokeDasharray={b.eventId === null ? `${stroke * 3} ${stroke * 2}` : undefined} />
              <text x={x1 + stroke} y={Math.max(font, y1 - stroke * 1.5)} fill={colour} fontSize={font} stroke="#000" strokeWidth={font / 8} paintOrder="stroke">
                {`${DETECTION_CLASS_LABELS_ZH[b.class] ?? b.class} ${(b.score * 100).toFixed(0)}%`}
              </text>
            </g>
          );
        })}
      </svg>
    </div>
  );
}
