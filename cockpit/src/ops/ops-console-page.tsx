/** 指飞控制台 / Flight operations console: docks and drones on the globe, the selected drone's telemetry and its commands. */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { DOCK_STATE_LABELS_ZH, type DockAction, type DockView } from '../../../protocol/dock.schema.ts';
import { PageHeader } from '../nav/page-header.tsx';
import type { PageProps } from '../nav/routes.tsx';
import { CommandBar, ACTION_LABELS_ZH, ALTITUDE_RANGE_M, type PickMode } from './command-bar.tsx';
import { EmergencyStopDialog } from './emergency-stop-dialog.tsx';
import { sendDockCommand, type CommandOutcomeView } from './ops-api.ts';
import { dockColor } from './ops-entities.ts';
import { OpsGlobe } from './ops-globe.tsx';
import { opsHooks, updateOpsHooks } from './ops-hooks.ts';
import { availableCommands, type OpsState } from './ops-state.ts';
import { OpsToasts, outcomeTone, type Toast } from './ops-toasts.tsx';
import { TelemetryPanel } from './telemetry-panel.tsx';
import { useOpsState, type LiveCommandMessage } from './use-ops-state.ts';
import type { MediaView } from '../../../protocol/media.schema.ts';
import { MediaGallery } from '../media/media-gallery.tsx';
import { getDetections, latestFlightOf } from '../media/media-api.ts';
import type { DetectionView } from '../../../protocol/detection.schema.ts';
import './ops-console.css';

/** How long a toast stays, milliseconds. */
const TOAST_MS = 8_000;
/** Default flight altitude above the dock, metres. */
const DEFAULT_ALTITUDE_M = 60;
/** The media panel lists the selected dock's images again this often, milliseconds. */
const MEDIA_REFRESH_MS = 5_000;

/** Chinese messages for the hub's refusals. */
const ERROR_MESSAGES_ZH: Record<string, string> = {
  TARGET_OUT_OF_RANGE: '目标点超出机库覆盖范围',
  EMERGENCY_STOP_NOT_CONFIRMED: '急停未确认',
  DOCK_NOT_FOUND: '机库不存在',
  GCS_UNAVAILABLE: '地面站不可用',
  FORBIDDEN: '当前账号无指挥权限',
  VALIDATION_FAILED: '参数无效（高度 5–120 m）',
};

function firstLinkedSn(state: OpsState): string | null {
  const docks = Object.values(state.docks);
  return (docks.find((d) => d.droneLinked && d.online) ?? docks[0])?.sn ?? null;
}

function toastOf(action: DockAction, out: CommandOutcomeView): Omit<Toast, 'id'> {
  const title = ACTION_LABELS_ZH[action];
  switch (out.kind) {
    case 'reply':
      return { title, outcome: out.reply.outcome, message: out.reply.message, tone: outcomeTone(out.reply.outcome) };
    case 'refused': {
      const code = out.status === 403 ? 'FORBIDDEN' : out.code;
      return { title, outcome: code, message: ERROR_MESSAGES_ZH[code] ?? (out.message || code), tone: 'error' };
    }
    case 'unauthorized':
      return { title, outcome: 'unauthorized', message: '登录已过期', tone: 'error' };
    case 'unreachable':
      return { title, outcome: 'unreachable', message: '无法连接中心 / hub unreachable', tone: 'error' };
  }
}

function DockRow({ dock, selected, onSelect }: { dock: DockView; selected: boolean; onSelect(sn: string): void }) {
  const state = dock.online ? (dock.state ? DOCK_STATE_LABELS_ZH[dock.state] : '未知') : '离线';
  return (
    <li>
      <button type="button" className={`ops-dock-row${selected ? ' selected' : ''}`} data-sn={dock.sn} data-state={dock.state ?? ''} aria-pressed={selected} onClick={() => onSelect(dock.sn)}>
        <span className="ops-dock-dot" style={{ background: dockColor(dock) }} />
        <span className="ops-dock-name">{dock.name}</span>
        <span className="ops-dock-state">{state}</span>
        {dock.drone?.armed && <span className="ops-dock-flying">✈ {Math.round(dock.drone.batteryPct)}%</span>}
        {dock.alarms.length > 0 && <span className="ops-dock-alarm">⚠ {dock.alarms.length}</span>}
      </button>
    </li>
  );
}

/** The view. */
export default function Page({ session, onLogout, onSessionExpired }: PageProps) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const pushToast = useCallback((t: Omit<Toast, 'id'>) => {
    const id = Date.now() + Math.random();
    setToasts((list) => [{ ...t, id }, ...list].slice(0, 5));
    opsHooks().toasts.push({ action: t.title, outcome: t.outcome, message: t.message });
    setTimeout(() => setToasts((list) => list.filter((x) => x.id !== id)), TOAST_MS);
  }, []);
  const onLiveCommand = useCallback(
    (m: LiveCommandMessage) => {
      // The operator's own commands are announced from their replies; show the rest (others, automatic follow-ups).
      if (m.by === session.user.username) return;
      pushToast({ title: `${ACTION_LABELS_ZH[m.action]}（${m.by.endsWith('(auto)') ? '自动' : m.by}）`, outcome: m.outcome, message: m.message, tone: outcomeTone(m.outcome) });
    },
    [pushToast, session.user.username],
  );
  const { state, live, listFailed } = useOpsState(session.token, onSessionExpired, onLiveCommand);

  const [chosenSn, setChosenSn] = useState<string | null>(null);
  const selectedSn = chosenSn ?? firstLinkedSn(state);
  const dock = selectedSn ? state.docks[selectedSn] : undefined;
  const [focus, setFocus] = useState<{ sn: string; nonce: number } | null>(null);
  const [pickMode, setPickMode] = useState<PickMode>('none');
  const [target, setTarget] = useState<{ lat: number; lon: number } | null>(null);
  const [altitudeM, setAltitudeM] = useState(DEFAULT_ALTITUDE_M);
  const [pending, setPending] = useState<DockAction | null>(null);
  const [estopOpen, setEstopOpen] = useState(false);
  const [nowMs, setNowMs] = useState(() => Date.now());
  const [media, setMedia] = useState<MediaView[]>([]);
  const [selectedMediaId, setSelectedMediaId] = useState<number | null>(null);
  const [detections, setDetections] = useState<DetectionView[]>([]);
  // The opened image's detections, marked on the map where they lie.
  useEffect(() => {
    setDetections([]);
    if (selectedMediaId === null) return;
    const ac = new AbortController();
    void getDetections(session.token, selectedMediaId, ac.signal).then((out) => {
      if (!ac.signal.aborted && out.kind === 'ok') setDetections(out.value.items);
    });
    return () => ac.abort();
  }, [session.token, selectedMediaId]);

  useEffect(() => {
    const timer = setInterval(() => setNowMs(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  useEffect(() => {
    updateOpsHooks({ liveConnected: live, selectedSn, target, pickMode });
  }, [live, selectedSn, target, pickMode]);
  useEffect(() => () => updateOpsHooks({ liveConnected: false, selectedSn: null, target: null, pickMode: 'none' }), []);

  // Docks with a linked drone first: those are the ones an operator can fly.
  const docks = useMemo(
    () => Object.values(state.docks).sort((a, b) => Number(b.online && b.droneLinked) - Number(a.online && a.droneLinked) || a.name.localeCompare(b.name, 'zh-CN')),
    [state.docks],
  );
  const available = useMemo(() => availableCommands(dock, selectedSn ? (state.linkLost[selectedSn] ?? false) : false), [dock, selectedSn, state.linkLost]);

  const select = useCallback((sn: string) => {
    setChosenSn(sn);
    setPickMode('none');
    setFocus((f) => ({ sn, nonce: (f?.nonce ?? 0) + 1 }));
  }, []);
  const onPick = useCallback(
    (sn: string | null, point: { lat: number; lon: number } | null) => {
      if (pickMode !== 'none') {
        if (point) setTarget(point);
        return;
      }
      if (sn) setChosenSn(sn);
    },
    [pickMode],
  );
  const startPick = useCallback((mode: PickMode) => {
    setPickMode(mode);
    if (mode !== 'none') setTarget(null);
  }, []);

  const run = useCallback(
    async (action: DockAction, body: object = {}) => {
      if (!selectedSn) return;
      setPending(action);
      const out = await sendDockCommand(session.token, selectedSn, action, body);
      setPending(null);
      if (out.kind === 'unauthorized') {
        onSessionExpired();
        return;
      }
      pushToast(toastOf(action, out));
      if (out.kind === 'reply' && out.reply.outcome === 'accepted' && (action === 'launch' || action === 'go-to')) setPickMode('none');
    },
    [selectedSn, session.token, onSessionExpired, pushToast],
  );
  const confirmTarget = useCallback(() => {
    if (!target || pickMode === 'none') return;
    const alt = Math.max(ALTITUDE_RANGE_M.min, Math.min(ALTITUDE_RANGE_M.max, altitudeM));
    void run(pickMode, { lat: target.lat, lon: target.lon, altitudeM: alt });
  }, [target, pickMode, altitudeM, run]);

  return (
    <div className={`ops-console${pickMode !== 'none' ? ' picking' : ''}`}>
      <PageHeader title="指飞控制台" subtitle="Flight operations · 番禺" session={session} live={live} onLogout={onLogout} />
      <main className="ops-stage">
        <OpsGlobe state={state} selectedSn={selectedSn} focus={focus} target={target} onPick={onPick} media={media} selectedMediaId={selectedMediaId} detections={detections} />
        {pickMode !== 'none' && (
          <div className="ops-pick-hint" role="status">
            {pickMode === 'launch' ? '起飞' : '飞往'}：点击地图选择目标点<small>Click the map to choose the target</small>
          </div>
        )}
        <aside className="ops-side">
          <section className="ops-docks" aria-label="机库 / docks">
            <h2>
              机库<small>Docks {docks.length}</small>
            </h2>
            {listFailed && <p className="ops-note">机库列表加载失败，正在重试</p>}
            {!state.listed && !listFailed && <p className="ops-note">加载中…</p>}
            <ul>
              {docks.map((d) => (
                <DockRow key={d.sn} dock={d} selected={d.sn === selectedSn} onSelect={select} />
              ))}
            </ul>
          </section>
          {dock && (
            <>
              <TelemetryPanel
                dock={dock}
                vehicleAlarms={state.vehicleAlarms[dock.sn] ?? []}
                linkLost={state.linkLost[dock.sn] ?? false}
                lastHeartbeatMs={state.lastHeartbeatMs[dock.sn]}
                nowMs={nowMs}
              />
              <CommandBar
                available={available}
                pending={pending}
                pickMode={pickMode}
                target={target}
                altitudeM={altitudeM}
                onPick={startPick}
                onTarget={setTarget}
                onAltitude={setAltitudeM}
                onConfirmTarget={confirmTarget}
                onCommand={(action) => void run(action)}
                onEmergencyStop={() => setEstopOpen(true)}
              />
              <div className="ops-media">
                <MediaGallery
                  token={session.token}
                  query={{ dockSn: dock.sn, limit: 60 }}
                  select={latestFlightOf}
                  refreshMs={MEDIA_REFRESH_MS}
                  title="影像"
                  subtitle="Media · 最近一次飞行 latest flight"
                  emptyText="该机库暂无影像 / no images from this dock yet"
                  columns={3}
                  onItems={setMedia}
                  onSelect={(m) => setSelectedMediaId(m?.id ?? null)}
                  onUnauthorized={onSessionExpired}
                />
              </div>
            </>
          )}
        </aside>
        <OpsToasts toasts={toasts} onDismiss={(id) => setToasts((list) => list.filter((t) => t.id !== id))} />
      </main>
      {estopOpen && dock && (
        <EmergencyStopDialog
          dockName={dock.name}
          onCancel={() => setEstopOpen(false)}
          onConfirm={(confirm, reason) => {
            setEstopOpen(false);
            void run('emergency-stop', { confirm, reason });
          }}
        />
      )}
    </div>
  );
}
