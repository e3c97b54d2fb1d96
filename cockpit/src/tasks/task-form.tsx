/** 新建巡查任务 / New patrol task: the form beside the map; the shape is drawn on the globe. */
import { useState, type FormEvent } from 'react';
import type { DockView } from '../../../protocol/dock.schema.ts';
import { MAX_TRUE_HEIGHT_M, type LonLat, type TaskGeometryKind } from '../../../protocol/plan.schema.ts';
import { TASK_TYPES, TASK_TYPE_LABELS_ZH, type TaskType, type TaskView } from '../../../protocol/task.schema.ts';
import { createTask } from './task-api.ts';
import { buildTaskBody, CRON_PRESETS, GEOMETRY_KINDS, initialForm, MODEL_OPTIONS, PRIORITY_LABELS, type TaskFormState } from './task-format.ts';

/** Props of the form. */
export interface TaskFormProps {
  token: string;
  kind: TaskGeometryKind;
  points: LonLat[];
  closed: boolean;
  docks: DockView[];
  onKind(kind: TaskGeometryKind): void;
  onUndo(): void;
  onClear(): void;
  onFinish(): void;
  onFocusDock(dock: DockView): void;
  onSubmitted(task: TaskView): void;
  onCancel(): void;
  onSessionExpired(): void;
}

/** The new-task form. */
export function TaskForm(p: TaskFormProps) {
  const [form, setForm] = useState<TaskFormState>(initialForm);
  const [error, setError] = useState<{ code: string; message: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof TaskFormState>(key: K, value: TaskFormState[K]) => setForm((f) => ({ ...f, [key]: value }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const built = buildTaskBody(form, p.kind, p.points);
    if (!built.ok) return setError({ code: 'FORM', message: built.message });
    setBusy(true);
    setError(null);
    const out = await createTask(p.token, built.body);
    setBusy(false);
    if (out.kind === 'ok') return p.onSubmitted(out.value);
    if (out.kind === 'unauthorized') return p.onSessionExpired();
    if (out.kind === 'unreachable') return setError({ code: 'UNREACHABLE', message: '无法连接中心，请稍后重试 / hub unreachable' });
    if (out.kind === 'refused' && out.status === 403) return setError({ code: out.code, message: '当前账号无提交任务的权限 / not allowed to submit tasks' });
    setError({ code: out.code, message: out.message || out.code });
  };

  const need = GEOMETRY_KINDS[p.kind].min;
  return (
    <form className="tp-form" onSubmit={(e) => void submit(e)} aria-label="新建巡查任务 / new patrol task" noValidate>
      <h2>
        新建巡查任务<small>New patrol task</small>
      </h2>
      <fieldset className="tp-draw">
        <legend>巡查范围 / Area on the map</legend>
        <div className="tp-seg" role="radiogroup" aria-label="范围类型 / geometry">
          {(Object.keys(GEOMETRY_KINDS) as TaskGeometryKind[]).map((k) => (
            <button key={k} type="button" role="radio" aria-checked={p.kind === k} className={p.kind === k ? 'on' : ''} onClick={() => p.onKind(k)}>
              {GEOMETRY_KINDS[k].label}
            </button>
          ))}
        </div>
        <p className="tp-hint">{GEOMETRY_KINDS[p.kind].hint}</p>
        <label>
          定位到机库 / Go to dock
          <select aria-label="定位到机库 / go to dock" value="" onChange={(e) => { const d = p.docks.find((x) => x.sn === e.target.value); if (d) p.onFocusDock(d); }}>
            <option value="">选择机库…</option>
            {p.docks.map((d) => (
              <option key={d.sn} value={d.sn}>
                {d.name}（{d.sn}）
              </option>
            ))}
          </select>
        </label>
        <div className="tp-draw-bar">
          <span data-testid="draw-count">
            已绘制 {p.points.length} 个点{p.closed ? '（已完成）' : ''}
          </span>
          <button type="button" onClick={p.onFinish} disabled={p.closed || p.points.length < need}>
            完成绘制
          </button>
          <button type="button" onClick={p.onUndo} disabled={p.points.length === 0}>
            撤销
          </button>
          <button type="button" onClick={p.onClear} disabled={p.points.length === 0}>
            清除
          </button>
        </div>
      </fieldset>
      <label>
        任务名称 / Title
        <input value={form.title} onChange={(e) => set('title', e.target.value)} maxLength={80} placeholder="如：市桥河段巡查" />
      </label>
      <label>
        任务类型 / Type
        <select value={form.type} onChange={(e) => set('type', e.target.value as TaskType)}>
          {TASK_TYPES.map((t) => (
            <option key={t} value={t}>
              {TASK_TYPE_LABELS_ZH[t]}
            </option>
          ))}
        </select>
      </label>
      <label>
        任务目的 / Purpose
        <textarea value={form.purpose} onChange={(e) => set('purpose', e.target.value)} maxLength={500} rows={2} placeholder="如：检查河涌漂浮物与岸线垃圾" />
      </label>
      <label>
        飞行高度 / Altitude <output data-testid="altitude">{form.altitudeM} m</output>
        <input type="range" min={20} max={MAX_TRUE_HEIGHT_M} step={5} value={form.altitudeM} onChange={(e) => set('altitudeM', Number(e.target.value))} aria-label="飞行高度（米）/ altitude (m)" />
      </label>
      <div className="tp-row">
        <label>
          航向重叠 % / Front
          <input type="number" min={0} max={95} value={form.frontPct} onChange={(e) => set('frontPct', Number(e.target.value))} />
        </label>
        <label>
          旁向重叠 % / Side
          <input type="number" min={0} max={95} value={form.sidePct} onChange={(e) => set('sidePct', Number(e.target.value))} />
        </label>
      </div>
      <fieldset>
        <legend>执行计划 / Schedule</legend>
        <div className="tp-seg" role="radiogroup" aria-label="执行方式 / schedule">
          <button type="button" role="radio" aria-checked={form.scheduleKind === 'once'} className={form.scheduleKind === 'once' ? 'on' : ''} onClick={() => set('scheduleKind', 'once')}>
            单次
          </button>
          <button type="button" role="radio" aria-checked={form.scheduleKind === 'recurring'} className={form.scheduleKind === 'recurring' ? 'on' : ''} onClick={() => set('scheduleKind', 'recurring')}>
            周期
          </button>
        </div>
        {form.scheduleKind === 'once' ? (
          <label>
            执行时间（留空为尽快）/ At (empty: as soon as possible)
            <input type="datetime-local" value={form.onceAt} onChange={(e) => set('onceAt', e.target.value)} />
          </label>
        ) : (
          <>
            <label>
              周期 / Repeats
              <select value={CRON_PRESETS.some((c) => c.cron === form.cron) ? form.cron : ''} onChange={(e) => e.target.value && set('cron', e.target.value)}>
                {CRON_PRESETS.map((c) => (
                  <option key={c.cron} value={c.cron}>
                    {c.label}
                  </option>
                ))}
                <option value="">自定义 cron…</option>
              </select>
            </label>
            <label>
              cron（分 时 日 月 周）
              <input value={form.cron} onChange={(e) => set('cron', e.target.value)} />
            </label>
          </>
        )}
        <label className="tp-check">
          <input type="checkbox" checked={form.windowOn} onChange={(e) => set('windowOn', e.target.checked)} />
          限定时段 / Time window
        </label>
        {form.windowOn && (
          <div className="tp-row">
            <input type="time" aria-label="开始 / start" value={form.windowStart} onChange={(e) => set('windowStart', e.target.value)} />
            <span>至</span>
            <input type="time" aria-label="结束 / end" value={form.windowEnd} onChange={(e) => set('windowEnd', e.target.value)} />
          </div>
        )}
      </fieldset>
      <label>
        优先级 / Priority
        <select value={form.priority} onChange={(e) => set('priority', Number(e.target.value))}>
          {[1, 2, 3].map((n) => (
            <option key={n} value={n}>
              {PRIORITY_LABELS[n]}
            </option>
          ))}
        </select>
      </label>
      <fieldset>
        <legend>识别模型 / Detection models</legend>
        {MODEL_OPTIONS.map((m) => (
          <label key={m.id} className="tp-check">
            <input type="checkbox" checked={form.models.includes(m.id)} onChange={(e) => set('models', e.target.checked ? [...form.models, m.id] : form.models.filter((x) => x !== m.id))} />
            {m.label}
            <small>{m.en}</small>
          </label>
        ))}
      </fieldset>
      {error && (
        <div className="tp-error" role="alert" data-code={error.code}>
          {error.message}
        </div>
      )}
      <div className="tp-actions">
        <button type="submit" className="tp-primary" disabled={busy}>
          {busy && <span className="spinner" aria-hidden="true" />}
          {busy ? '提交中…' : '提交任务'}
        </button>
        <button type="button" onClick={p.onCancel}>
          取消
        </button>
      </div>
    </form>
  );
}
