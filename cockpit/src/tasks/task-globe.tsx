/** The portal's offline Cesium globe: airspace, docks, drawing by clicks, a task's shape, planned paths and the live drone. */
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import {
  BoundingSphere,
  type Cartesian2,
  Cartesian3,
  Cartographic,
  HeadingPitchRange,
  Math as CesiumMath,
  SceneTransforms,
  ScreenSpaceEventHandler,
  ScreenSpaceEventType,
  type Viewer as CesiumViewer,
} from 'cesium';
import type { DockView } from '../../../protocol/dock.schema.ts';
import type { LonLat } from '../../../protocol/plan.schema.ts';
import { OfflineViewer } from '../globe/offline-viewer.tsx';
import { GlobeLoading, watchGlobe } from '../globe/globe-setup.tsx';
import type { AirspaceZoneView } from './task-api.ts';
import { TaskEntities, type ShapeSpec } from './task-entities.ts';
import { tasksHooks, updateTasksHooks } from './task-hooks.ts';

/** Camera flight time, seconds. */
const FLIGHT_S = 1.5;
/** After a change the globe keeps rendering this long, milliseconds (glyphs and geometry load over frames). */
const SETTLE_MS = 5_000;

/** Where to move the camera: looking almost straight down on a point from `rangeM`; a new nonce flies again. */
export interface GlobeFocus {
  lat: number;
  lon: number;
  rangeM: number;
  nonce: number;
}

/** Props of the portal globe. */
export interface TaskGlobeProps {
  zones: AirspaceZoneView[];
  docks: DockView[];
  shape: ShapeSpec | null;
  paths: Array<Array<[number, number, number]>>;
  drone: { lat: number; lon: number; altRelM: number } | null;
  focus: GlobeFocus | null;
  /** While set, clicks add points and a double click finishes. */
  drawing: { onPoint(p: LonLat): void; onFinish(): void } | null;
}

/** The globe with its loading indicator. */
export function TaskGlobe(props: TaskGlobeProps) {
  const [ready, setReady] = useState(false);
  const [viewer, setViewer] = useState<CesiumViewer | null>(null);
  const markReady = useCallback(() => setReady(true), []);
  return (
    <div className={`tp-globe${props.drawing ? ' drawing' : ''}`} data-globe-ready={ready}>
      <OfflineViewer onViewer={setViewer} />
      {viewer && <TaskGlobeController {...props} viewer={viewer} onReady={markReady} />}
      {!ready && <GlobeLoading className="tp-globe-loading" />}
    </div>
  );
}

/** Drives the viewer imperatively. */
function TaskGlobeController({ viewer, zones, docks, shape, paths, drone, focus, drawing, onReady }: TaskGlobeProps & { viewer: CesiumViewer; onReady(): void }) {
  const entities = useMemo(() => new TaskEntities(viewer.entities), [viewer]);
  const latest = useRef({ drawing, onReady });
  /** Keep rendering until this time (performance.now()), for resources that load after a change. */
  const renderUntil = useRef(0);
  useLayoutEffect(() => {
    latest.current = { drawing, onReady };
  });

  useEffect(() => {
    const scene = viewer.scene;
    const unwatch = watchGlobe(viewer, {
      onFrame: () => void (tasksHooks().framesRendered += 1),
      onReady() {
        updateTasksHooks({ globeReady: true });
        latest.current.onReady();
      },
      onViewMoved: (centre) => updateTasksHooks({ viewCentre: centre }),
    });
    // Entity geometry and label glyphs are built asynchronously and only advance while frames render:
    // keep rendering until they are ready, and for a few seconds after each change.
    const removeTick = viewer.clock.onTick.addEventListener(() => {
      const ready = viewer.dataSourceDisplay.ready;
      if (!ready || performance.now() < renderUntil.current) scene.requestRender();
      if (tasksHooks().entitiesReady === ready) return;
      // Once ready, one more frame shows the finished geometry: tests wait for a frame past this one.
      updateTasksHooks({ entitiesReady: ready, ...(ready ? { changedAtFrame: tasksHooks().framesRendered } : {}) });
      if (ready) scene.requestRender();
    });
    const groundAt = (position: Cartesian2): LonLat | null => {
      const hit = scene.camera.pickEllipsoid(position, scene.globe.ellipsoid);
      if (!hit) return null;
      const c = Cartographic.fromCartesian(hit);
      return [CesiumMath.toDegrees(c.longitude), CesiumMath.toDegrees(c.latitude)];
    };
    const clicks = new ScreenSpaceEventHandler(scene.canvas);
    clicks.setInputAction((event: ScreenSpaceEventHandler.PositionedEvent) => {
      const p = groundAt(event.position);
      if (p) latest.current.drawing?.onPoint(p);
    }, ScreenSpaceEventType.LEFT_CLICK);
    clicks.setInputAction(() => latest.current.drawing?.onFinish(), ScreenSpaceEventType.LEFT_DOUBLE_CLICK);
    updateTasksHooks({
      toScreen: (lat, lon) => {
        if (viewer.isDestroyed()) return null;
        const w = SceneTransforms.worldToWindowCoordinates(scene, Cartesian3.fromDegrees(lon, lat, 0));
        if (!w) return null;
        const rect = scene.canvas.getBoundingClientRect();
        if (w.x < 0 || w.y < 0 || w.x > rect.width || w.y > rect.height) return null;
        return { x: rect.left + w.x, y: rect.top + w.y };
      },
    });
    scene.requestRender();
    return () => {
      unwatch();
      removeTick();
      clicks.destroy();
      if (!viewer.isDestroyed()) entities.clear();
      updateTasksHooks({ globeReady: false, viewCentre: null, toScreen: null });
    };
  }, [viewer, entities]);

  useEffect(() => {
    if (viewer.isDestroyed()) return;
    const changed = [entities.zones(zones), entities.docks(docks), entities.shape(shape), entities.paths(paths)].some(Boolean);
    if (changed) {
      renderUntil.current = performance.now() + SETTLE_MS;
      updateTasksHooks({ changedAtFrame: tasksHooks().framesRendered, keepOutZones: zones.filter((z) => z.kind === 'keep-out').length });
      viewer.scene.requestRender();
    }
  }, [viewer, entities, zones, docks, shape, paths]);

  // The drone moves a point (drawn at once); it does not count as a change to wait for.
  useEffect(() => {
    if (viewer.isDestroyed() || !entities.droneAt(drone)) return;
    renderUntil.current = performance.now() + SETTLE_MS;
    viewer.scene.requestRender();
  }, [viewer, entities, drone]);

  useEffect(() => {
    if (!focus || viewer.isDestroyed()) return;
    viewer.scene.camera.flyToBoundingSphere(new BoundingSphere(Cartesian3.fromDegrees(focus.lon, focus.lat, 0), 0), {
      offset: new HeadingPitchRange(0, CesiumMath.toRadians(-89), focus.rangeM),
      duration: FLIGHT_S,
    });
  }, [viewer, focus]);

  return null;
}
