/** The history of a ticket (流转记录): who, when, from → to, note, photos. */
import { ACTION_LABELS_ZH, type TicketAction, type TicketHistoryView } from '../../../protocol/workflow.schema.ts';
import { shortTime, stageLabel } from './ticket-format.ts';
import { TicketPhoto } from './ticket-photo.tsx';

function actionLabel(action: string): string {
  if (action === 'detect') return '发现';
  if (action === 'attach') return '补充材料';
  return ACTION_LABELS_ZH[action as TicketAction] ?? action;
}

/** The timeline, oldest first. */
export function TicketTimeline({ token, ticketId, history }: { token: string; ticketId: number; history: TicketHistoryView[] }) {
  return (
    <ol className="tk-timeline" aria-label="流转记录 / history">
      {history.map((h) => (
        <li key={`${h.version}-${h.at}`} data-action={h.action} data-to-stage={h.toStage}>
          <div className="tk-tl-head">
            <strong>{actionLabel(h.action)}</strong>
            <span className="tk-tl-stages">
              {h.fromStage ? `${stageLabel(h.fromStage)} → ` : ''}
              {stageLabel(h.toStage)}
            </span>
            <time dateTime={h.at}>{shortTime(h.at)}</time>
          </div>
          <div className="tk-tl-who">
            {h.actorName}
            {h.actorUnit ? <span className="tk-muted"> · {h.actorUnit}</span> : null}
          </div>
          {h.note ? <p className="tk-tl-note">{h.note}</p> : null}
          {h.attachmentIds.length > 0 ? (
            <div className="tk-photos">
              {h.attachmentIds.map((pid) => (
                <TicketPhoto key={pid} token={token} ticketId={ticketId} photoId={pid} />
              ))}
            </div>
          ) : null}
        </li>
      ))}
    </ol>
  );
}
