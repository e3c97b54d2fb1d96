/** Toasts announcing each command's outcome (accepted, denied, timeout…), newest on top. */
import type { CommandOutcome } from '../../../protocol/vehicle.schema.ts';

/** One toast. */
export interface Toast {
  id: number;
  /** What was commanded, in Chinese. */
  title: string;
  /** `accepted`, another command outcome, or an error code. */
  outcome: string;
  message: string;
  tone: 'ok' | 'warn' | 'error';
}

/** Chinese labels of the command outcomes. */
export const OUTCOME_LABELS_ZH: Record<CommandOutcome, string> = {
  accepted: '已执行',
  denied: '被拒绝',
  'in-progress': '执行中',
  timeout: '超时',
  'no-vehicle': '无人机未连接',
};

/** The tone of an outcome. */
export function outcomeTone(outcome: string): Toast['tone'] {
  if (outcome === 'accepted') return 'ok';
  if (outcome === 'in-progress' || outcome === 'denied') return 'warn';
  return 'error';
}

/** The toast stack. */
export function OpsToasts({ toasts, onDismiss }: { toasts: readonly Toast[]; onDismiss(id: number): void }) {
  return (
    <div className="ops-toasts" aria-live="polite">
      {toasts.map((t) => (
        <div key={t.id} className={`ops-toast tone-${t.tone}`} role="status" data-outcome={t.outcome}>
          <b>
            {t.title} · {OUTCOME_LABELS_ZH[t.outcome as CommandOutcome] ?? t.outcome}
          </b>
          <span>{t.message}</span>
          <button type="button" aria-label="关闭 / dismiss" onClick={() => onDismiss(t.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
