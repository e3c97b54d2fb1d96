/** 网格员 / Grid worker's phone view: 我的工单, open one, 开始处置, take photos, 反馈 — big touch targets, live. */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { TicketLiveMessage, TicketView } from '../../../protocol/workflow.schema.ts';
import { AppNav, type PageProps } from '../nav/routes.tsx';
import { PinIcon } from '../tickets/icons.tsx';
import { PhotoUploader } from '../tickets/photo-uploader.tsx';
import { listTickets, outcomeMessage } from '../tickets/ticket-api.ts';
import { dueState, eventTypeLabel, shortTime, stageLabel } from '../tickets/ticket-format.ts';
import { updateTicketsHook } from '../tickets/ticket-hooks.ts';
import { useTicketLive } from '../tickets/ticket-live.ts';
import { TicketTimeline } from '../tickets/ticket-timeline.tsx';
import { useCoalesced } from '../tickets/use-coalesced.ts';
import { useNow } from '../tickets/use-now.ts';
import { useTicketDetail } from '../tickets/use-ticket-detail.ts';
import '../tickets/workbench.css';
import './grid-worker.css';

const HASH_RE = /^#\/m\/(\d+)/;

function selectedFromHash(): number | null {
  const m = HASH_RE.exec(window.location.hash);
  return m ? Number(m[1]) : null;
}

function TicketCard({ t, now }: { t: TicketView; now: number }) {
  const due = dueState(t, now);
  return (
    <a className={`m-card${due.overdue ? ' overdue' : ''}`} href={`#/m/${t.id}`} data-ticket-id={t.id} data-stage={t.stage}>
      <div className="m-card-top">
        <span className={`tk-stage tk-stage-${t.stage}`}>{stageLabel(t.stage)}</span>
        <span className="m-type">{eventTypeLabel(t.eventType)}</span>
        <span className={`m-due${due.overdue ? ' overdue' : ''}`}>{due.text}</span>
      </div>
      <div className="m-card-title">{t.title}</div>
      <div className="m-card-no">{t.no}</div>
    </a>
  );
}

function TicketScreen({ token, id, onSessionExpired, now, liveVersion }: { token: string; id: number; onSessionExpired(): void; now: number; liveVersion: number }) {
  const { detail, busy, error, conflict, reload, act } = useTicketDetail(token, id, onSessionExpired);
  const [note, setNote] = useState('');
  const [photos, setPhotos] = useState<number[]>([]);
  const shownVersion = detail?.ticket.version ?? 0;
  useEffect(() => {
    if (liveVersion > shownVersion && shownVersion > 0) void reload();
  }, [liveVersion, shownVersion, reload]);
  useEffect(() => {
    updateTicketsHook('mobile', { selectedId: id, selectedVersion: detail?.ticket.version ?? null });
  }, [id, detail]);

  const t = detail?.ticket;
  const allowed = detail?.allowedActions ?? [];
  const due = t ? dueState(t, now) : null;
  const report = async () => {
    if (!t) return;
    const ok = await act('report', { version: t.version, ...(note.trim() ? { note: note.trim() } : {}), ...(photos.length ? { attachmentIds: photos } : {}) });
    if (ok) {
      setNote('');
      setPhotos([]);
    }
  };
  const giveBack = async () => {
    if (!t || !note.trim()) return;
    if (await act('return', { version: t.version, note: note.trim() })) setNote('');
  };

  return (
    <section className="m-ticket" data-testid="mobile-ticket" data-ticket-id={id} data-stage={t?.stage}>
      <a className="m-back" href="#/m">
        ‹ 返回列表 <small>Back</small>
      </a>
      {error ? (
        <div className={`tk-banner${conflict ? ' conflict' : ''}`} role="alert">
          <span>{error}</span>
          <button type="button" className="tk-btn m-btn-small" onClick={() => void reload()}>
            重新加载
          </button>
        </div>
      ) : null}
      {!t ? <p className="tk-empty">加载中… / Loading…</p> : null}
      {t && detail ? (
        <>
          <div className="m-ticket-head">
            <span className={`tk-stage tk-stage-${t.stage} big`}>{stageLabel(t.stage)}</span>
            <span className={`m-due${due?.overdue ? ' overdue' : ''}`}>{due?.text}</span>
          </div>
          <h2>{t.title}</h2>
          <p className="m-meta">
            {t.no} · {eventTypeLabel(t.eventType)}
            {t.dueAt ? ` · 期限 ${shortTime(t.dueAt)}` : ''}
          </p>
          <a className="m-location" href={`geo:${t.lat},${t.lon}`}>
            <PinIcon /> {t.lat.toFixed(5)}, {t.lon.toFixed(5)} <small>导航 / Navigate</small>
          </a>

          {allowed.includes('start') ? (
            <button type="button" className="tk-btn m-btn-big" data-action="start" disabled={busy} onClick={() => void act('start', { version: t.version })}>
              开始处置 <small>Start handling</small>
            </button>
          ) : null}

          {allowed.includes('report') ? (
            <div className="m-report">
              <h3>
                现场反馈 <small>Report back</small>
              </h3>
              <PhotoUploader token={token} ticketId={t.id} photoIds={photos} onUploaded={(pid) => setPhotos((p) => [...p, pid])} large />
              <textarea className="m-note" rows={3} maxLength={2000} placeholder="处置情况说明 / What was done" value={note} onChange={(e) => setNote(e.target.value)} aria-label="处置说明 / note" />
              <button type="button" className="tk-btn m-btn-big" data-action="report" disabled={busy || (note.trim() === '' && photos.length === 0)} onClick={() => void report()}>
                反馈 <small>Submit report</small>
              </button>
            </div>
          ) : null}

          {allowed.includes('return') && !allowed.includes('report') ? (
            <details className="m-return">
              <summary>
                无法处置？退回 <small>Can&apos;t handle it — return</small>
              </summary>
              <div className="m-report">
                <textarea className="m-note" rows={2} maxLength={2000} placeholder="退回原因（必填）/ reason" value={note} onChange={(e) => setNote(e.target.value)} aria-label="退回原因 / reason" />
                <button type="button" className="tk-btn tk-btn-danger m-btn-big" data-action="return" disabled={busy || note.trim() === ''} onClick={() => void giveBack()}>
                  退回 <small>Return</small>
                </button>
              </div>
            </details>
          ) : null}

          {allowed.length === 0 ? <p className="m-done">当前无需您操作 / Nothing for you to do now</p> : null}

          <h3>
            流转记录 <small>History</small>
          </h3>
          <TicketTimeline token={token} ticketId={t.id} history={detail.history} />
        </>
      ) : null}
    </section>
  );
}

/** The view. */
export default function GridWorkerPage({ session, onLogout, onSessionExpired }: PageProps) {
  const token = session.token;
  const now = useNow();
  const [tickets, setTickets] = useState<TicketView[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [selectedId, setSelectedId] = useState<number | null>(selectedFromHash);
  const [liveVersions, setLiveVersions] = useState<Record<number, number>>({});
  const [liveCount, setLiveCount] = useState(0);
  const seq = useRef(0);

  useEffect(() => {
    const on = () => setSelectedId(selectedFromHash());
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);

  const load = useCallback(async () => {
    const my = ++seq.current;
    const out = await listTickets(token, { mine: true });
    if (my !== seq.current) return;
    setLoaded(true);
    if (out.kind === 'ok') {
      setTickets(out.value);
      setError(null);
    } else if (out.kind === 'unauthorized') onSessionExpired();
    else setError(outcomeMessage(out));
  }, [token, onSessionExpired]);

  useEffect(() => {
    void load();
  }, [load]);

  const refresh = useCoalesced(() => void load());
  const onLive = useCallback(
    (m: TicketLiveMessage) => {
      setLiveCount((n) => n + 1);
      setLiveVersions((v) => ({ ...v, [m.ticketId]: Math.max(v[m.ticketId] ?? 0, m.version) }));
      refresh();
    },
    [refresh],
  );
  const liveConnected = useTicketLive(token, onLive);

  useEffect(() => {
    updateTicketsHook('mobile', { liveConnected, stages: Object.fromEntries(tickets.map((t) => [t.id, t.stage])), liveMessages: liveCount, ...(selectedId === null ? { selectedId: null, selectedVersion: null } : {}) });
  }, [liveConnected, tickets, liveCount, selectedId]);

  const open = tickets.filter((t) => !['closed', 'rated', 'cancelled'].includes(t.stage));
  const done = tickets.filter((t) => ['closed', 'rated', 'cancelled'].includes(t.stage));

  return (
    <div className="m-page">
      <header className="m-header">
        <div className="m-header-row">
          <h1>
            我的工单 <small>My tickets</small>
          </h1>
          <span className={`tk-live${liveConnected ? ' on' : ''}`} data-testid="tickets-live" title={liveConnected ? 'Live' : 'Connecting'}>
            ●
          </span>
        </div>
        <div className="m-header-row m-sub">
          <span>{session.user.displayName}</span>
          <button type="button" className="tk-btn tk-btn-secondary m-btn-small" onClick={onLogout}>
            退出
          </button>
        </div>
        <AppNav />
      </header>
      <main className="m-main">
        {selectedId !== null ? (
          <TicketScreen key={selectedId} token={token} id={selectedId} onSessionExpired={onSessionExpired} now={now} liveVersion={liveVersions[selectedId] ?? 0} />
        ) : (
          <>
            {error ? (
              <p className="tk-error" role="alert">
                {error}
              </p>
            ) : null}
            {!loaded ? <p className="tk-empty">加载中… / Loading…</p> : null}
            {loaded && open.length === 0 ? <p className="tk-empty">暂无待办工单 / Nothing to do</p> : null}
            <div className="m-list" data-testid="mobile-list">
              {open.map((t) => (
                <TicketCard key={t.id} t={t} now={now} />
              ))}
            </div>
            {done.length > 0 ? (
              <>
                <h3 className="m-section">
                  已办结 <small>Done</small>
                </h3>
                <div className="m-list">
                  {done.map((t) => (
                    <TicketCard key={t.id} t={t} now={now} />
                  ))}
                </div>
              </>
            ) : null}
          </>
        )}
      </main>
    </div>
  );
}
