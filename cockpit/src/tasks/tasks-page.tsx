/** 部门任务需求 / Department portal: patrol tasks on the map — submit, follow, approve and control. */
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { DockView } from '../../../protocol/dock.schema.ts';
import type { LonLat, TaskGeometryKind } from '../../../protocol/plan.schema.ts';
import { TASK_FINAL_STATUSES, type TaskView } from '../../../protocol/task.schema.ts';
import { MediaGallery } from '../media/index.ts';
import { PageHeader } from '../nav/page-header.tsx';
import type { PageProps } from '../nav/routes.tsx';
import { useCoalesced } from '../tickets/use-coalesced.ts';
import { controlTask, decideTask, getTask, listAirspace, listDockViews, listTasks, type AirspaceZoneView, type ApiOutcome } from './task-api.ts';
import { TaskDetail } from './task-detail.tsx';
import { TaskForm } from './task-form.tsx';
import { applyTaskLive, currentSorties, GEOMETRY_KINDS } from './task-format.ts';
import { TaskGlobe, type GlobeFocus } from './task-globe.tsx';
import { updateTasksHooks } from './task-hooks.ts';
import type { ShapeSpec } from './task-entities.ts';
import { TaskList } from './task-list.tsx';
import { usePortalLive, type PortalLiveMessage } from './task-live.ts';
// The portal shares the console's header look.
import '../ops/ops-console.css';
import './tasks.css';

/** The list is fetched again this often besides live updates, milliseconds. */
const LIST_REFRESH_MS = 15_000;
/** The open task is fetched again this often, milliseconds. */
const DETAIL_REFRESH_MS = 5_000;
/** While a task flies its images are listed again this often, milliseconds. */
const GALLERY_REFRESH_MS = 4_000;
/** Camera distance for drawing near a dock and for looking at a task, metres. */
const DRAW_RANGE_M = 1_800;
const TASK_RANGE_M = 3_000;
/** Two clicks closer than this are one point (a double click), degrees. */
const SAME_POINT_DEG = 1e-6;

const centreOf = (pts: LonLat[]): { lat: number; lon: number } => ({
  lon: pts.reduce((s, p) => s + p[0], 0) / pts.length,
  lat: pts.reduce((s, p) => s + p[1], 0) / pts.length,
});

/** The view. */
export default function TasksPage({ session, onLogout, onSessionExpired }: PageProps) {
  const token = session.token;
  const role = session.user.role;
  const decider = role === 'duty_officer' || role === 'admin';
  const canSubmit = decider || role === 'department';

  const [tasks, setTasks] = useState<TaskView[]>([]);
  const [listState, setListState] = useState<'loading' | 'ok' | 'failed'>('loading');
  const [zones, setZones] = useState<AirspaceZoneView[]>([]);
  const [docks, setDocks] = useState<DockView[]>([]);
  const [mode, setMode] = useState<'list' | 'new'>('list');
  const [kind, setKind] = useState<TaskGeometryKind>('polygon');
  const [points, setPoints] = useState<LonLat[]>([]);
  const [closed, setClosed] = useState(false);
  const [focus, setFocus] = useState<GlobeFocus | null>(null);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [detail, setDetail] = useState<TaskView | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [drones, setDrones] = useState<Record<string, { lat: number; lon: number; altRelM: number; armed: boolean }>>({});
  const [images, setImages] = useState(0);
  const countImages = useCallback((items: readonly unknown[]) => setImages(items.length), []);

  /** Unwraps an outcome; a lapsed session ends it. */
  const ok = useCallback(
    <T,>(out: ApiOutcome<T>): T | null => {
      if (out.kind === 'unauthorized') onSessionExpired();
      return out.kind === 'ok' ? out.value : null;
    },
    [onSessionExpired],
  );

  const refreshList = useCallback(async () => {
    const v = ok(await listTasks(token));
    if (v) setTasks(v);
    setListState(v ? 'ok' : 'failed');
  }, [token, ok]);
  const refreshDetail = useCallback(async () => {
    if (!selectedId) return;
    const v = ok(await getTask(token, selectedId));
    if (v) setDetail((d) => (d === null || String(d.id) === String(v.id) ? v : d));
  }, [token, selectedId, ok]);
  const refreshSoon = useCoalesced(() => {
    void refreshList();
    void refreshDetail();
  }, 400);

  useEffect(() => {
    void refreshList();
    const t = setInterval(() => void refreshList(), LIST_REFRESH_MS);
    return () => clearInterval(t);
  }, [refreshList]);
  useEffect(() => {
    const ac = new AbortController();
    void listAirspace(token, ac.signal).then((out) => out.kind === 'ok' && setZones(out.value.zones));
    void listDockViews(token, ac.signal).then((out) => out.kind === 'ok' && setDocks(out.value));
    return () => ac.abort();
  }, [token]);
  useEffect(() => {
    setDetail(null);
    setImages(0);
    setActionError(null);
    void refreshDetail();
    // Live messages carry progress; a slow poll catches what they do not (approval, planning).
    const t = setInterval(() => void refreshDetail(), DETAIL_REFRESH_MS);
    return () => clearInterval(t);
  }, [refreshDetail]);

  const onLive = useCallback(
    (m: PortalLiveMessage) => {
      if (m.type === 'vehicle') {
        if (m.dockSn) {
          const t = m.telemetry;
          setDrones((d) => ({ ...d, [m.dockSn!]: { lat: t.lat, lon: t.lon, altRelM: t.altRelM, armed: t.armed } }));
        }
        return;
      }
      setDetail((d) => (d ? applyTaskLive(d, m) : d));
      setTasks((list) => list.map((t) => applyTaskLive(t, m)));
      refreshSoon();
    },
    [refreshSoon],
  );
  const live = usePortalLive(token, onLive);

  // The drone flying the open task: the dock of its running sortie.
  const flyingDock = detail ? currentSorties(detail).find((s) => s.status === 'in-progress' || s.status === 'paused')?.dockSn : undefined;
  const drone = flyingDock ? (drones[flyingDock] ?? null) : null;

  const shape: ShapeSpec | null = useMemo(() => {
    if (mode === 'new') return { kind, points, closed };
    if (detail) return { kind: detail.geometry.kind, points: detail.geometry.coordinates, closed: true };
    return null;
  }, [mode, kind, points, closed, detail]);
  const paths = useMemo(() => (mode === 'list' && detail ? currentSorties(detail).map((s) => s.path) : []), [mode, detail]);

  const addPoint = useCallback(
    (p: LonLat) => {
      if (closed && kind !== 'points') return;
      setPoints((pts) => {
        const last = pts.at(-1);
        if (last && Math.abs(last[0] - p[0]) < SAME_POINT_DEG && Math.abs(last[1] - p[1]) < SAME_POINT_DEG) return pts;
        return [...pts, p];
      });
    },
    [closed, kind],
  );
  const finish = useCallback(() => setClosed(points.length >= GEOMETRY_KINDS[kind].min), [points.length, kind]);
  const drawingHandlers = useMemo(() => (mode === 'new' ? { onPoint: addPoint, onFinish: finish } : null), [mode, addPoint, finish]);

  const openTask = useCallback((id: string) => {
    setMode('list');
    setSelectedId(id);
  }, []);
  // Fly to a task once when it opens, not on every progress update.
  const openedGeometry = detail ? JSON.stringify(detail.geometry.coordinates) : null;
  useEffect(() => {
    if (!openedGeometry) return;
    const c = centreOf(JSON.parse(openedGeometry) as LonLat[]);
    setFocus((f) => ({ ...c, rangeM: TASK_RANGE_M, nonce: (f?.nonce ?? 0) + 1 }));
  }, [openedGeometry]);

  useEffect(() => {
    updateTasksHooks({ drawing: points, drawingClosed: closed, liveConnected: live });
  }, [points, closed, live]);
  useEffect(() => {
    const s = detail ? currentSorties(detail) : [];
    updateTasksHooks({
      openTask: detail
        ? { id: String(detail.id), status: detail.status, reached: s.reduce((n, x) => n + x.progress.reached, 0), total: s.reduce((n, x) => n + x.progress.total, 0), images, drone: drone ? { lat: drone.lat, lon: drone.lon } : null }
        : null,
    });
  }, [detail, images, drone]);
  useEffect(() => () => updateTasksHooks({ openTask: null, drawing: [], drawingClosed: false, liveConnected: false }), []);

  const act = useCallback(
    async (name: string, run: () => Promise<ApiOutcome<TaskView>>) => {
      setBusy(name);
      setActionError(null);
      const out = await run();
      setBusy(null);
      if (out.kind === 'ok') {
        setDetail(out.value);
        void refreshList();
      } else if (out.kind === 'unauthorized') onSessionExpired();
      else if (out.kind === 'unreachable') setActionError('无法连接中心 / hub unreachable');
      else setActionError(out.message || out.code);
    },
    [onSessionExpired, refreshList],
  );

  const active = detail ? !TASK_FINAL_STATUSES.includes(detail.status) && detail.status !== 'submitted' : false;
  const galleryKey = detail ? `${detail.status}:${currentSorties(detail).map((s) => `${s.progress.reached}/${s.photos}`).join(',')}:${detail.mediaCount}` : '';

  return (
    <div className="tasks-portal">
      <PageHeader title="部门任务需求" subtitle="Patrol task requests · 番禺" session={session} live={live} onLogout={onLogout} />
      <main className="tp-stage">
        <TaskGlobe zones={zones} docks={docks} shape={shape} paths={paths} drone={drone} focus={focus} drawing={drawingHandlers} />
        {mode === 'new' && (
          <div className="tp-draw-hint" role="status">
            {GEOMETRY_KINDS[kind].hint}
            <small>Click the map to draw; red areas are no-fly zones</small>
          </div>
        )}
        <aside className="tp-side">
          {mode === 'new' ? (
            <TaskForm
              token={token}
              kind={kind}
              points={points}
              closed={closed}
              docks={docks}
              onKind={(k) => {
                setKind(k);
                setPoints([]);
                setClosed(false);
              }}
              onUndo={() => {
                setClosed(false);
                setPoints((p) => p.slice(0, -1));
              }}
              onClear={() => {
                setClosed(false);
                setPoints([]);
              }}
              onFinish={finish}
              onFocusDock={(d) => setFocus((f) => ({ lat: d.lat, lon: d.lon, rangeM: DRAW_RANGE_M, nonce: (f?.nonce ?? 0) + 1 }))}
              onSubmitted={(t) => {
                setPoints([]);
                setClosed(false);
                setTasks((list) => [t, ...list.filter((x) => x.id !== t.id)]);
                openTask(String(t.id));
              }}
              onCancel={() => setMode('list')}
              onSessionExpired={onSessionExpired}
            />
          ) : (
            <>
              {canSubmit && (
                <button
                  type="button"
                  className="tp-primary tp-new"
                  onClick={() => {
                    setSelectedId(null);
                    setMode('new');
                  }}
                >
                  ＋ 新建任务<small>New task</small>
                </button>
              )}
              <TaskList tasks={tasks} loading={listState === 'loading'} failed={listState === 'failed'} selectedId={selectedId} decider={decider} onSelect={openTask} />
            </>
          )}
        </aside>
        {mode === 'list' && selectedId && (
          <aside className="tp-right">
            {!detail ? (
              <p className="tp-note" role="status">
                <span className="spinner" aria-hidden="true" />
                任务加载中…
              </p>
            ) : (
              <TaskDetail
                task={detail}
                role={role}
                busy={busy}
                error={actionError}
                onDecide={(d) => void act(d.decision, () => decideTask(token, String(detail.id), d))}
                onControl={(a) => void act(a, () => controlTask(token, String(detail.id), { action: a }))}
                onClose={() => setSelectedId(null)}
              >
                <MediaGallery
                  token={token}
                  query={{ taskId: String(detail.id), limit: 200 }}
                  refreshMs={active ? GALLERY_REFRESH_MS : undefined}
                  refreshKey={galleryKey}
                  thumbsTestId="thumbs"
                  title="任务影像"
                  subtitle="Images"
                  emptyText={active ? '等待首批影像回传… / waiting for the first images' : '暂无影像 / no images'}
                  onItems={countImages}
                  onUnauthorized={onSessionExpired}
                />
              </TaskDetail>
            )}
          </aside>
        )}
      </main>
    </div>
  );
}
