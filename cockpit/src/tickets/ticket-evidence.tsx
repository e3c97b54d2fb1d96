/**
 * 无人机影像证据 / Drone-image evidence of a ticket's event: each image (thumbnail) with the
 * detection's box drawn over it, its class (Chinese first), score and distance from the event.
 */
import type { EvidenceView } from '../../../protocol/detection.schema.ts';
import { DetectedImage, detectionLabel } from '../media/detection-overlay.tsx';
import { mediaSrc } from '../media/media-api.ts';

/** The evidence images of a ticket's event. */
export function TicketEvidence({ token, evidence }: { token: string; evidence: readonly EvidenceView[] }) {
  return (
    <ul className="tk-evidence" data-testid="drone-evidence">
      {evidence.map((e) => (
        <li key={e.detectionId}>
          <a href={mediaSrc(e.fileUrl, token)} target="_blank" rel="noreferrer" title={`影像 #${e.mediaId} / image`}>
            <DetectedImage src={mediaSrc(e.thumbUrl, token)} alt={`航拍证据 #${e.mediaId}`} widthPx={e.widthPx} heightPx={e.heightPx} boxes={[{ key: e.detectionId, class: e.class, score: e.score, box: e.box }]} />
          </a>
          <small>
            {detectionLabel(e.class)} · {(e.score * 100).toFixed(0)}%{e.distanceM !== null ? ` · 距事件点 ${e.distanceM.toFixed(0)} m` : ''} · {new Date(e.takenAt).toLocaleString('zh-CN', { hour12: false })}
          </small>
        </li>
      ))}
    </ul>
  );
}
