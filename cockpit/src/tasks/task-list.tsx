/** The task list: status chips, progress of running sorties, next run; the duty officer's approval queue on top. */
import { TASK_STATUS_LABELS_ZH, TASK_TYPE_LABELS_ZH, type TaskView } from '../../../protocol/task.schema.ts';
import { currentSorties, formatTime, progressPct, statusTone } from './task-format.ts';

/** A status chip. */
export function StatusChip({ status }: { status: TaskView['status'] }) {
  return (
    <span className={`tp-chip ${statusTone(status)}`} data-status={status}>
      {TASK_STATUS_LABELS_ZH[status]}
    </span>
  );
}

/** A progress bar with its figures. */
export function ProgressBar({ reached, total, label }: { reached: number; total: number; label?: string }) {
  const pct = progressPct({ reached, total });
  return (
    <div className="tp-progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} aria-label={label ?? '进度 / progress'} data-reached={reached} data-total={total}>
      <div className="tp-progress-fill" style={{ width: `${pct}%` }} />
      <span>
        {reached}/{total} 航点 · {pct}%
      </span>
    </div>
  );
}

function Row({ task, selected, onSelect }: { task: TaskView; selected: boolean; onSelect(id: string): void }) {
  const running = currentSorties(task).filter((s) => s.status === 'in-progress' || s.status === 'paused');
  return (
    <li>
      <button type="button" className={`tp-task-row${selected ? ' selected' : ''}`} data-task-id={task.id} data-status={task.status} aria-pressed={selected} onClick={() => onSelect(String(task.id))}>
        <span className="tp-task-title">
          {task.title}
          <small>
            {TASK_TYPE_LABELS_ZH[task.type]} · {task.orgUnit} · {formatTime(task.createdAt)}
          </small>
        </span>
        <StatusChip status={task.status} />
        {running.map((s) => (
          <ProgressBar key={s.id} reached={s.progress.reached} total={s.progress.total} label={`架次 ${s.part}/${s.parts}`} />
        ))}
        {task.schedule.kind === 'recurring' && task.nextRunAt && <small className="tp-next">下次执行 {formatTime(task.nextRunAt)}</small>}
      </button>
    </li>
  );
}

/** Props of the list. */
export interface TaskListProps {
  tasks: TaskView[];
  loading: boolean;
  failed: boolean;
  selectedId: string | null;
  /** Whether the viewer approves tasks (duty officer, admin): pending ones go on top. */
  decider: boolean;
  onSelect(id: string): void;
}

/** The list. */
export function TaskList({ tasks, loading, failed, selectedId, decider, onSelect }: TaskListProps) {
  const pending = decider ? tasks.filter((t) => t.status === 'submitted') : [];
  const rest = decider ? tasks.filter((t) => t.status !== 'submitted') : tasks;
  return (
    <section className="tp-list" aria-label="任务列表 / tasks">
      {loading && (
        <p className="tp-note" role="status">
          <span className="spinner" aria-hidden="true" />
          加载中…
        </p>
      )}
      {failed && <p className="tp-note">任务列表加载失败，正在重试 / failed to load, retrying</p>}
      {decider && (
        <>
          <h3>
            待审批<small>Awaiting approval {pending.length}</small>
          </h3>
          <ul data-testid="approval-queue">
            {pending.length === 0 && <li className="tp-note">暂无待审批任务</li>}
            {pending.map((t) => (
              <Row key={t.id} task={t} selected={String(t.id) === selectedId} onSelect={onSelect} />
            ))}
          </ul>
        </>
      )}
      <h3>
        {decider ? '全部任务' : '本部门任务'}
        <small>{decider ? 'All tasks' : "My department's tasks"} {rest.length}</small>
      </h3>
      <ul data-testid="task-list">
        {!loading && rest.length === 0 && <li className="tp-note">暂无任务，点击「新建任务」在地图上划定巡查范围</li>}
        {rest.map((t) => (
          <Row key={t.id} task={t} selected={String(t.id) === selectedId} onSelect={onSelect} />
        ))}
      </ul>
    </section>
  );
}
