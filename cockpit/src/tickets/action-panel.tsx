/** Buttons for exactly the actions the caller may take now, each with the inputs it needs. */
import { useEffect, useState } from 'react';
import {
  ACTION_LABELS_ZH,
  RATING_LABELS_ZH,
  type OrgUnitView,
  type TicketAction,
  type TicketActionBody,
  type TicketDetailView,
} from '../../../protocol/workflow.schema.ts';
import { getUnit, listUnits, type UnitMember } from './ticket-api.ts';
import { PhotoUploader } from './photo-uploader.tsx';
import { tierLabel } from './ticket-format.ts';

/** English names of the actions (second language). */
const ACTION_EN: Record<TicketAction, string> = {
  accept: 'Accept',
  register: 'Register',
  dispatch: 'Dispatch',
  start: 'Start',
  report: 'Report',
  close: 'Verify & close',
  rate: 'Rate',
  return: 'Return',
  extend: 'Extend',
  supervise: 'Supervise',
  escalate: 'Escalate',
  rework: 'Rework',
  reopen: 'Reopen',
  cancel: 'Cancel',
  request_revisit: 'Drone revisit',
};

/** Actions whose note is required. */
const NOTE_REQUIRED: ReadonlySet<TicketAction> = new Set(['return', 'rework', 'reopen', 'cancel']);
/** Actions shown as warnings (they undo or end work). */
const DANGER: ReadonlySet<TicketAction> = new Set(['return', 'rework', 'reopen', 'cancel']);

/** Props of the panel. */
export interface ActionPanelProps {
  token: string;
  detail: TicketDetailView;
  busy: boolean;
  /** Sends the action; resolves true when it was accepted. */
  onAct(action: TicketAction, body: TicketActionBody): Promise<boolean>;
}

function DispatchPicker({ token, regionCode, value, onChange }: { token: string; regionCode: string; value: { toUnit: string; toUserId?: number }; onChange(v: { toUnit: string; toUserId?: number }): void }) {
  const [tier, setTier] = useState(regionCode.length === 14 ? 8 : regionCode.length === 12 ? 7 : 6);
  const [units, setUnits] = useState<OrgUnitView[]>([]);
  const [members, setMembers] = useState<UnitMember[]>([]);
  useEffect(() => {
    let live = true;
    void listUnits(token, tier).then((o) => {
      if (live && o.kind === 'ok') setUnits(o.value);
    });
    return () => {
      live = false;
    };
  }, [token, tier]);
  useEffect(() => {
    let live = true;
    if (!value.toUnit) return;
    void getUnit(token, value.toUnit).then((o) => {
      if (live) setMembers(o.kind === 'ok' ? o.value.members : []);
    });
    return () => {
      live = false;
    };
  }, [token, value.toUnit]);
  return (
    <div className="tk-dispatch">
      <label>
        层级 <small>Tier</small>
        <select value={tier} onChange={(e) => setTier(Number(e.target.value))} data-testid="dispatch-tier">
          {[5, 6, 7, 8].map((t) => (
            <option key={t} value={t}>
              {t} · {tierLabel(t)}
            </option>
          ))}
        </select>
      </label>
      <label>
        派往单位 <small>To unit</small>
        <select value={value.toUnit} onChange={(e) => onChange({ toUnit: e.target.value })} data-testid="dispatch-unit">
          <option value="">— 请选择 / choose —</option>
          {units.map((u) => (
            <option key={u.code} value={u.code}>
              {u.name}
              {u.regionCode === regionCode ? '（事发地）' : ''}
            </option>
          ))}
        </select>
      </label>
      <label>
        处置人 <small>Person (optional)</small>
        <select value={value.toUserId ?? ''} onChange={(e) => onChange({ toUnit: value.toUnit, ...(e.target.value ? { toUserId: Number(e.target.value) } : {}) })} data-testid="dispatch-user">
          <option value="">— 单位内任何人 / anyone —</option>
          {members.map((m) => (
            <option key={m.userId} value={m.userId}>
              {m.displayName}（{m.username}）
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}

function Stars({ value, onChange }: { value: number; onChange(v: number): void }) {
  return (
    <div className="tk-stars" role="radiogroup" aria-label="好差评 / rating">
      {([1, 2, 3, 4, 5] as const).map((n) => (
        <button
          key={n}
          type="button"
          role="radio"
          aria-checked={value === n}
          className={n <= value ? 'on' : ''}
          title={RATING_LABELS_ZH[n]}
          onClick={() => onChange(n)}
          data-rating={n}
        >
          ★
        </button>
      ))}
      <span className="tk-muted">{value ? RATING_LABELS_ZH[value as 1 | 2 | 3 | 4 | 5] : '请评分 / choose'}</span>
    </div>
  );
}

function ActionForm({ token, detail, action, busy, onAct, onCancel }: { token: string; detail: TicketDetailView; action: TicketAction; busy: boolean; onAct: ActionPanelProps['onAct']; onCancel(): void }) {
  const t = detail.ticket;
  const [note, setNote] = useState('');
  const [photos, setPhotos] = useState<number[]>([]);
  const [dispatch, setDispatch] = useState<{ toUnit: string; toUserId?: number }>({ toUnit: t.regionCode.length === 14 ? `grid:${t.regionCode}` : '' });
  const [method, setMethod] = useState<'inspection' | 'revisit'>('inspection');
  const [rating, setRating] = useState(0);
  const [days, setDays] = useState(1);

  // Reports and on-site verifications need evidence: a note or a photo (TICKET_EVIDENCE_REQUIRED).
  const needsEvidence = action === 'report' || (action === 'close' && method === 'inspection');
  const invalid =
    (NOTE_REQUIRED.has(action) && note.trim() === '') ||
    (needsEvidence && note.trim() === '' && photos.length === 0) ||
    (action === 'dispatch' && !dispatch.toUnit) ||
    (action === 'rate' && rating === 0);

  const submit = async () => {
    const body: TicketActionBody = { version: t.version };
    if (note.trim()) body.note = note.trim();
    if (photos.length > 0) body.attachmentIds = photos;
    if (action === 'dispatch') Object.assign(body, dispatch);
    if (action === 'close') body.method = method;
    if (action === 'rate') body.rating = rating;
    if (action === 'extend') body.workingDays = days;
    if (await onAct(action, body)) onCancel();
  };

  return (
    <form
      className="tk-action-form"
      data-action-form={action}
      onSubmit={(e) => {
        e.preventDefault();
        if (!invalid && !busy) void submit();
      }}
    >
      <h4>
        {ACTION_LABELS_ZH[action]} <small>{ACTION_EN[action]}</small>
      </h4>
      {action === 'dispatch' ? <DispatchPicker token={token} regionCode={t.regionCode} value={dispatch} onChange={setDispatch} /> : null}
      {action === 'close' ? (
        <label>
          核查方式 <small>Verification</small>
          <select value={method} onChange={(e) => setMethod(e.target.value as 'inspection' | 'revisit')}>
            <option value="inspection">现场核查 / inspection</option>
            <option value="revisit">无人机复核 / drone revisit</option>
          </select>
        </label>
      ) : null}
      {action === 'rate' ? <Stars value={rating} onChange={setRating} /> : null}
      {action === 'extend' ? (
        <label>
          延期工作日 <small>Working days</small>
          <input type="number" min={1} max={10} value={days} onChange={(e) => setDays(Math.min(10, Math.max(1, Number(e.target.value) || 1)))} />
        </label>
      ) : null}
      {needsEvidence ? <PhotoUploader token={token} ticketId={t.id} photoIds={photos} onUploaded={(id) => setPhotos((p) => [...p, id])} /> : null}
      <label>
        {NOTE_REQUIRED.has(action) ? '说明（必填）' : needsEvidence ? '说明（说明或照片至少一项）' : '说明（选填）'} <small>Note</small>
        <textarea value={note} maxLength={2000} rows={2} onChange={(e) => setNote(e.target.value)} aria-label="说明 / note" />
      </label>
      <div className="tk-form-buttons">
        <button type="submit" className={`tk-btn${DANGER.has(action) ? ' tk-btn-danger' : ''}`} disabled={invalid || busy}>
          确认{ACTION_LABELS_ZH[action]} <small>Confirm</small>
        </button>
        <button type="button" className="tk-btn tk-btn-secondary" onClick={onCancel}>
          取消 <small>Close</small>
        </button>
      </div>
    </form>
  );
}

/** The action buttons and, once one is chosen, its form. */
export function ActionPanel({ token, detail, busy, onAct }: ActionPanelProps) {
  const [open, setOpen] = useState<TicketAction | null>(null);
  const allowed = detail.allowedActions;
  useEffect(() => {
    if (open && !allowed.includes(open)) setOpen(null);
  }, [open, allowed]);
  if (allowed.length === 0) return <p className="tk-muted">当前无可执行操作 / No actions available to you</p>;
  return (
    <div className="tk-actions">
      <div className="tk-action-buttons">
        {allowed.map((a) => (
          <button
            key={a}
            type="button"
            className={`tk-btn${DANGER.has(a) ? ' tk-btn-danger' : ''}${open === a ? ' active' : ''}`}
            data-action={a}
            disabled={busy}
            onClick={() => setOpen(open === a ? null : a)}
          >
            {ACTION_LABELS_ZH[a]} <small>{ACTION_EN[a]}</small>
          </button>
        ))}
      </div>
      {open ? <ActionForm key={`${open}-${detail.ticket.id}`} token={token} detail={detail} action={open} busy={busy} onAct={onAct} onCancel={() => setOpen(null)} /> : null}
    </div>
  );
}
