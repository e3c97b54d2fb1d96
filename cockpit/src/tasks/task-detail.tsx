/** 任务详情 / A task: status timeline, planner notes, sorties with live progress, decisions and controls, images. */
import { useState } from 'react';
import { TASK_FINAL_STATUSES, TASK_STATUS_LABELS_ZH, TASK_TYPE_LABELS_ZH, type SortieView, type TaskStatus, type TaskView } from '../../../protocol/task.schema.ts';
import { currentSorties, formatTime, PRIORITY_LABELS, scheduleText } from './task-format.ts';
import { ProgressBar, StatusChip } from './task-list.tsx';

/** The lifecycle a task normally goes through. */
const LIFECYCLE: TaskStatus[] = ['submitted', 'approved', 'sent', 'in-progress', 'done'];
const SORTIE_STATUS_ZH: Record<SortieView['status'], string> = {
  queued: '排队中',
  sent: '已下发',
  'in-progress': '飞行中',
  paused: '已暂停',
  done: '已完成',
  'partially-done': '部分完成',
  failed: '失败',
  cancelled: '已取消',
};

/** How far along the usual lifecycle a task got (index into LIFECYCLE). */
function reachedIndex(task: TaskView): number {
  const i = LIFECYCLE.indexOf(task.status === 'paused' ? 'in-progress' : task.status);
  if (i >= 0) return i;
  if (task.status === 'rejected') return 0;
  return currentSorties(task).some((s) => s.startedAt) ? 3 : 1;
}

function Timeline({ task }: { task: TaskView }) {
  const r = reachedIndex(task);
  const terminal = !LIFECYCLE.includes(task.status) && task.status !== 'paused';
  return (
    <ol className="tp-timeline" aria-label="状态 / status timeline">
      {LIFECYCLE.map((s, i) => {
        const current = i === r && !terminal;
        return (
          <li key={s} className={current ? 'current' : i <= r ? 'done' : ''}>
            {current ? TASK_STATUS_LABELS_ZH[task.status] : TASK_STATUS_LABELS_ZH[s]}
          </li>
        );
      })}
      {terminal && <li className="current bad">{TASK_STATUS_LABELS_ZH[task.status]}</li>}
    </ol>
  );
}

function SortieRow({ s }: { s: SortieView }) {
  return (
    <li className="tp-sortie" data-sortie-id={s.id} data-status={s.status}>
      <div>
        架次 {s.part}/{s.parts} · {s.dockSn} · <b>{SORTIE_STATUS_ZH[s.status]}</b>
        <small>
          预计 {Math.round(s.estDurationS / 60)} 分钟 · 照片 {s.photos} 张{s.startedAt ? ` · 起飞 ${formatTime(s.startedAt)}` : ''}
          {s.endedAt ? ` · 结束 ${formatTime(s.endedAt)}` : ''}
          {s.taskIds.length > 1 ? ` · 一飞多采（${s.taskIds.length} 个任务）` : ''}
          {s.reason ? ` · ${s.reason}` : ''}
        </small>
      </div>
      <ProgressBar reached={s.progress.reached} total={s.progress.total} label={`架次 ${s.part} 进度 / sortie progress`} />
    </li>
  );
}

/** Props of the detail. */
export interface TaskDetailProps {
  task: TaskView;
  role: string;
  busy: string | null;
  error: string | null;
  onDecide(decision: { decision: 'approve' } | { decision: 'reject'; reason: string }): void;
  onControl(action: 'pause' | 'resume' | 'cancel'): void;
  onClose(): void;
  children?: React.ReactNode;
}

/** The detail panel. */
export function TaskDetail({ task, role, busy, error, onDecide, onControl, onClose, children }: TaskDetailProps) {
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState('');
  const decider = role === 'duty_officer' || role === 'admin';
  const controller = decider || role === 'operator';
  const final = TASK_FINAL_STATUSES.includes(task.status);
  const sorties = currentSorties(task);
  return (
    <section className="tp-detail" aria-label="任务详情 / task" data-task-id={task.id} data-status={task.status}>
      <header>
        <h2>
          {task.title}
          <small>
            {TASK_TYPE_LABELS_ZH[task.type]} · {task.orgUnit} · {task.submittedBy} · 优先级 {PRIORITY_LABELS[task.priority] ?? task.priority}
          </small>
        </h2>
        <StatusChip status={task.status} />
        <button type="button" className="tp-close" onClick={onClose} aria-label="关闭 / close">
          ×
        </button>
      </header>
      <Timeline task={task} />
      <p className="tp-meta">
        {task.purpose}
        <small>
          {scheduleText(task.schedule)} · 高度 {task.altitudeM} m · 重叠 {task.overlap.frontPct}/{task.overlap.sidePct}% · 模型 {task.models.join('、') || '无'}
          {task.nextRunAt ? ` · 下次执行 ${formatTime(task.nextRunAt)}` : ''}
        </small>
      </p>
      {task.rejectReason && <p className="tp-error">驳回理由：{task.rejectReason}</p>}
      {decider && task.status === 'submitted' && (
        <div className="tp-actions">
          <button type="button" className="tp-primary" disabled={busy !== null} onClick={() => onDecide({ decision: 'approve' })}>
            {busy === 'approve' && <span className="spinner" aria-hidden="true" />}通过
          </button>
          <button type="button" disabled={busy !== null} onClick={() => setRejecting((r) => !r)}>
            驳回
          </button>
          {rejecting && (
            <span className="tp-reject">
              <input aria-label="驳回理由 / reason" value={reason} onChange={(e) => setReason(e.target.value)} placeholder="驳回理由（必填）" />
              <button type="button" disabled={reason.trim().length < 2 || busy !== null} onClick={() => onDecide({ decision: 'reject', reason: reason.trim() })}>
                确认驳回
              </button>
            </span>
          )}
        </div>
      )}
      {controller && !final && task.status !== 'submitted' && (
        <div className="tp-actions">
          {task.status === 'paused' ? (
            <button type="button" disabled={busy !== null} onClick={() => onControl('resume')}>
              继续
            </button>
          ) : (
            <button type="button" disabled={busy !== null || task.status !== 'in-progress'} onClick={() => onControl('pause')}>
              暂停
            </button>
          )}
          <button type="button" disabled={busy !== null} onClick={() => onControl('cancel')}>
            取消任务
          </button>
        </div>
      )}
      {error && (
        <div className="tp-error" role="alert">
          {error}
        </div>
      )}
      {task.notes.length > 0 && (
        <div className="tp-notes">
          <h3>
            规划说明<small>Planner notes</small>
          </h3>
          <ul>
            {task.notes.map((n, i) => (
              <li key={i}>{n}</li>
            ))}
          </ul>
        </div>
      )}
      <h3>
        架次<small>Sorties {sorties.length}</small>
      </h3>
      {sorties.length === 0 ? (
        <p className="tp-note">{task.status === 'submitted' ? '等待值班员审批 / awaiting approval' : final ? '无架次' : (
          <>
            <span className="spinner" aria-hidden="true" />
            等待规划与执行…
          </>
        )}</p>
      ) : (
        <ul className="tp-sorties">
          {sorties.map((s) => (
            <SortieRow key={s.id} s={s} />
          ))}
        </ul>
      )}
      {children}
    </section>
  );
}
