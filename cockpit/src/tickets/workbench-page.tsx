/** 工单工作台 / Ticket workbench: queues, a list with due-time countdowns, the detail with its timeline and actions; live. */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { TicketLiveMessage, TicketStage, TicketView } from '../../../protocol/workflow.schema.ts';
import { AppNav, type PageProps } from '../nav/routes.tsx';
import { ActionPanel } from './action-panel.tsx';
import { listTickets, outcomeMessage, type TicketQuery } from './ticket-api.ts';
import { dueState, eventTypeLabel, shortTime, stageLabel, tierLabel } from './ticket-format.ts';
import { updateTicketsHook } from './ticket-hooks.ts';
import { useTicketLive } from './ticket-live.ts';
import { TicketLocation } from './ticket-location.tsx';
import { TicketPhoto } from './ticket-photo.tsx';
import { TicketEvidence } from './ticket-evidence.tsx';
import { TicketTimeline } from './ticket-timeline.tsx';
import { useCoalesced } from './use-coalesced.ts';
import { useNow } from './use-now.ts';
import { useTicketDetail } from './use-ticket-detail.ts';
import { useUnitNames } from './unit-names.ts';
import './workbench.css';

/** A workbench queue (tab). */
interface Queue {
  key: string;
  label: string;
  en: string;
  query: TicketQuery;
}

const OPEN_STAGES: TicketStage[] = ['detected', 'accepted', 'registered', 'dispatched', 'handling', 'reported'];
const QUEUES: Queue[] = [
  { key: 'open', label: '在办', en: 'Open', query: { stage: OPEN_STAGES } },
  { key: 'mine', label: '我的', en: 'Mine', query: { mine: true } },
  { key: 'overdue', label: '超期', en: 'Overdue', query: { overdue: true } },
  ...(['detected', 'accepted', 'registered', 'dispatched', 'handling', 'reported', 'closed', 'rated'] as const).map((s) => ({
    key: `stage:${s}`,
    label: stageLabel(s),
    en: s,
    query: { stage: [s] },
  })),
  { key: 'all', label: '全部', en: 'All', query: {} },
];

function TicketRow({ t, now, selected, onOpen, names }: { t: TicketView; now: number; selected: boolean; onOpen(): void; names: Record<string, string> }) {
  const unit = t.assigneeUnit ?? t.ownerUnits[0] ?? null;
  const due = dueState(t, now);
  return (
    <tr className={`tk-row${selected ? ' selected' : ''}${due.overdue ? ' overdue' : ''}`} data-ticket-id={t.id} data-stage={t.stage} onClick={onOpen} tabIndex={0} onKeyDown={(e) => e.key === 'Enter' && onOpen()}>
      <td className="tk-no">{t.no}</td>
      <td>{eventTypeLabel(t.eventType)}</td>
      <td className="tk-title-cell">{t.title}</td>
      <td>
        <span className={`tk-stage tk-stage-${t.stage}`}>{stageLabel(t.stage)}</span>
      </td>
      <td className="tk-unit" title={unit ?? undefined}>
        {unit ? (names[unit] ?? unit) : '—'}
      </td>
      <td className={`tk-due${due.overdue ? ' overdue' : ''}`} title={t.dueAt ? `期限 ${shortTime(t.dueAt)}` : undefined}>
        {due.text}
      </td>
    </tr>
  );
}

/** The view. */
export default function WorkbenchPage({ session, onLogout, onSessionExpired }: PageProps) {
  const token = session.token;
  const now = useNow();
  const [queueKey, setQueueKey] = useState('open');
  const [tier, setTier] = useState<number | null>(null);
  const [tickets, setTickets] = useState<TicketView[]>([]);
  const [listError, setListError] = useState<string | null>(null);
  const [loadingList, setLoadingList] = useState(true);
  const [selectedId, setSelectedId] = useState<number | null>(null);
  const [liveCount, setLiveCount] = useState(0);
  const listSeq = useRef(0);

  const query = useMemo(() => {
    const q = QUEUES.find((x) => x.key === queueKey)?.query ?? {};
    return tier === null ? q : { ...q, tier };
  }, [queueKey, tier]);

  const loadList = useCallback(async () => {
    const mySeq = ++listSeq.current;
    const out = await listTickets(token, query);
    if (mySeq !== listSeq.current) return;
    setLoadingList(false);
    if (out.kind === 'ok') {
      setTickets(out.value);
      setListError(null);
    } else if (out.kind === 'unauthorized') onSessionExpired();
    else setListError(outcomeMessage(out));
  }, [token, query, onSessionExpired]);

  useEffect(() => {
    setLoadingList(true);
    void loadList();
  }, [loadList]);

  const refreshList = useCoalesced(() => void loadList());
  const ticket = useTicketDetail(token, selectedId, onSessionExpired);
  const { detail, reload } = ticket;

  const onLive = useCallback(
    (m: TicketLiveMessage) => {
      setLiveCount((n) => n + 1);
      // Show the new stage at once, then refetch the queue (membership and timers may change too).
      setTickets((list) => list.map((t) => (t.id === m.ticketId && m.version > t.version ? { ...t, stage: m.stage, version: m.version } : t)));
      refreshList();
      if (m.ticketId === selectedId && (detail === null || m.version > detail.ticket.version)) void reload();
    },
    [refreshList, selectedId, detail, reload],
  );
  const liveConnected = useTicketLive(token, onLive);

  useEffect(() => {
    updateTicketsHook('workbench', {
      liveConnected,
      stages: Object.fromEntries(tickets.map((t) => [t.id, t.stage])),
      selectedId,
      selectedVersion: detail?.ticket.version ?? null,
      liveMessages: liveCount,
    });
  }, [liveConnected, tickets, selectedId, detail, liveCount]);

  const t = detail?.ticket ?? null;
  const unitNames = useUnitNames(token, [...tickets.map((x) => x.assigneeUnit ?? x.ownerUnits[0] ?? ''), ...(t ? [...t.ownerUnits, t.assigneeUnit ?? ''] : [])].filter(Boolean));
  const nameOf = (code: string) => unitNames[code] ?? code;
  const evidence = detail ? [...new Set([...detail.history.flatMap((h) => h.attachmentIds), ...detail.revisits.flatMap((r) => r.attachmentIds)])] : [];
  const due = t ? dueState(t, now) : null;

  return (
    <div className="tk-page">
      <header className="tk-header">
        <AppNav />
        <h1>
          工单工作台 <small>Ticket workbench</small>
        </h1>
        <span className={`tk-live${liveConnected ? ' on' : ''}`} data-testid="tickets-live">
          {liveConnected ? '实时连接' : '连接中…'}
        </span>
        <span className="tk-user">{session.user.displayName}</span>
        <button type="button" className="tk-btn tk-btn-secondary" onClick={onLogout}>
          退出 <small>Sign out</small>
        </button>
      </header>

      <div className="tk-queues" role="tablist" aria-label="工单队列 / queues">
        {QUEUES.map((q) => (
          <button key={q.key} type="button" role="tab" aria-selected={q.key === queueKey} className={q.key === queueKey ? 'active' : ''} data-queue={q.key} onClick={() => setQueueKey(q.key)}>
            {q.label}
            <small>{q.en}</small>
          </button>
        ))}
        <label className="tk-tier">
          层级 <small>Tier</small>
          <select value={tier ?? ''} onChange={(e) => setTier(e.target.value ? Number(e.target.value) : null)} data-testid="tier-filter">
            <option value="">全部层级 / all</option>
            {[3, 4, 5, 6, 7, 8].map((n) => (
              <option key={n} value={n}>
                {n} · {tierLabel(n)}
              </option>
            ))}
          </select>
        </label>
      </div>

      <main className="tk-main">
        <section className="tk-list" aria-label="工单列表 / tickets">
          {listError ? (
            <p className="tk-error" role="alert">
              {listError}
            </p>
          ) : null}
          <table>
            <thead>
              <tr>
                <th>工单号</th>
                <th>类型</th>
                <th>标题</th>
                <th>环节</th>
                <th>责任单位</th>
                <th>时限</th>
              </tr>
            </thead>
            <tbody>
              {tickets.map((x) => (
                <TicketRow key={x.id} t={x} now={now} selected={x.id === selectedId} onOpen={() => setSelectedId(x.id)} names={unitNames} />
              ))}
            </tbody>
          </table>
          {!loadingList && tickets.length === 0 ? <p className="tk-empty">此队列暂无工单 / No tickets in this queue</p> : null}
          {loadingList ? <p className="tk-empty">加载中… / Loading…</p> : null}
        </section>

        <section className="tk-detail" aria-label="工单详情 / detail" data-testid="ticket-detail" data-ticket-id={t?.id} data-stage={t?.stage}>
          {selectedId === null ? <p className="tk-empty">请选择左侧工单 / Choose a ticket</p> : null}
          {ticket.error ? (
            <div className={`tk-banner${ticket.conflict ? ' conflict' : ''}`} role="alert" data-testid="ticket-error">
              <span>{ticket.error}</span>
              <button type="button" className="tk-btn" onClick={() => void reload()}>
                重新加载 <small>Reload</small>
              </button>
            </div>
          ) : null}
          {t && detail ? (
            <>
              <div className="tk-detail-head">
                <h2>
                  {t.title}
                  <small>
                    {t.no} · {eventTypeLabel(t.eventType)} · 严重度 {t.severity} · 版本 v{t.version}
                  </small>
                </h2>
                <span className={`tk-stage tk-stage-${t.stage} big`}>{stageLabel(t.stage)}</span>
              </div>
              <dl className="tk-facts">
                <dt>责任单位</dt>
                <dd>{t.ownerUnits.map(nameOf).join('、') || '—'}</dd>
                <dt>承办单位</dt>
                <dd>{t.assigneeUnit ? nameOf(t.assigneeUnit) : '—'}</dd>
                <dt>时限</dt>
                <dd className={due?.overdue ? 'overdue' : ''}>
                  {due?.text}
                  {t.dueAt ? <span className="tk-muted">（{shortTime(t.dueAt)}）</span> : null}
                </dd>
                <dt>督办/升级/重办</dt>
                <dd>
                  {t.supervisionCount} / {t.escalationCount} / {t.reopenCount}
                </dd>
                {t.rating !== null ? (
                  <>
                    <dt>评价</dt>
                    <dd>{'★'.repeat(t.rating)}</dd>
                  </>
                ) : null}
              </dl>
              <TicketLocation lat={t.lat} lon={t.lon} regionCode={t.regionCode} />
              <h3>
                可执行操作 <small>Actions</small>
              </h3>
              <ActionPanel token={token} detail={detail} busy={ticket.busy} onAct={ticket.act} />
              <h3>
                证据 <small>Evidence ({evidence.length})</small>
              </h3>
              {evidence.length === 0 ? (
                <p className="tk-muted">暂无照片 / No photos</p>
              ) : (
                <div className="tk-photos" data-testid="evidence">
                  {evidence.map((pid) => (
                    <TicketPhoto key={pid} token={token} ticketId={t.id} photoId={pid} size={96} />
                  ))}
                </div>
              )}
              {detail.evidence?.length ? (
                <>
                  <h3>
                    无人机影像证据 <small>Drone evidence ({detail.evidence.length})</small>
                  </h3>
                  <TicketEvidence token={token} evidence={detail.evidence} />
                </>
              ) : null}
              <h3>
                流转记录 <small>History</small>
              </h3>
              <TicketTimeline token={token} ticketId={t.id} history={detail.history} />
            </>
          ) : null}
        </section>
      </main>
    </div>
  );
}
