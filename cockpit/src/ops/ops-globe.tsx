/** The console's offline Cesium globe: docks, coverage, drones with trails; map clicks pick a dock or a target point. */
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import {
  BoundingSphere,
  Cartographic,
  HeadingPitchRange,
  JulianDate,
  Math as CesiumMath,
  ScreenSpaceEventHandler,
  ScreenSpaceEventType,
  type Viewer as CesiumViewer,
} from 'cesium';
import { OfflineViewer } from '../globe/offline-viewer.tsx';
import { GlobeLoading, watchGlobe } from '../globe/globe-setup.tsx';
import { opsHooks, updateOpsHooks } from './ops-hooks.ts';
import { OpsEntities } from './ops-entities.ts';
import type { OpsState } from './ops-state.ts';
import type { MediaView } from '../../../protocol/media.schema.ts';
import { MediaMarkers } from '../media/media-markers.ts';
import { DetectionMarkers } from '../media/detection-markers.ts';
import type { DetectionView } from '../../../protocol/detection.schema.ts';


/** Close look at a dock: its whole 7 km coverage, 60° down. */
const DOCK_VIEW = new HeadingPitchRange(0, CesiumMath.toRadians(-60), 16_000);
/** Camera flight time, seconds. */
const FLIGHT_S = 1.5;

/** Props of the console's globe. */
export interface OpsGlobeProps {
  state: OpsState;
  selectedSn: string | null;
  /** A request to fly the camera to a dock; a new object flies again. */
  focus: { sn: string; nonce: number } | null;
  target: { lat: number; lon: number } | null;
  /** The map was clicked: the dock whose marker, coverage or drone was hit (or null) and the ground point (degrees, or null off the globe). */
  onPick(sn: string | null, point: { lat: number; lon: number } | null): void;
  /** Images to mark at their camera positions (the media panel's), and the one opened (its footprint is drawn). */
  media?: readonly MediaView[];
  selectedMediaId?: number | null;
  /** Detections of the opened image, marked where they lie on the ground. */
  detections?: readonly DetectionView[];
}

/** The globe with its loading indicator. */
export function OpsGlobe(props: OpsGlobeProps) {
  const [ready, setReady] = useState(false);
  const [viewer, setViewer] = useState<CesiumViewer | null>(null);
  const markReady = useCallback(() => setReady(true), []);
  return (
    <div className="ops-globe" data-globe-ready={ready}>
      <OfflineViewer onViewer={setViewer} />
      {viewer && <OpsGlobeController {...props} viewer={viewer} onReady={markReady} />}
      {!ready && <GlobeLoading className="ops-globe-loading" />}
    </div>
  );
}

interface ControllerProps extends OpsGlobeProps {
  viewer: CesiumViewer;
  onReady(): void;
}

/** Drives the viewer imperatively: camera, readiness, clicks and the entities. */
function OpsGlobeController({ viewer, state, selectedSn, focus, target, onPick, onReady, media, selectedMediaId, detections }: ControllerProps) {
  const entities = useMemo(() => new OpsEntities(viewer.entities), [viewer]);
  const mediaMarkers = useMemo(() => new MediaMarkers(viewer.entities), [viewer]);
  const detectionMarkers = useMemo(() => new DetectionMarkers(viewer.entities), [viewer]);
  const callbacks = useRef({ onPick, onReady });
  useLayoutEffect(() => {
    callbacks.current = { onPick, onReady };
  });

  useEffect(() => {
    const scene = viewer.scene;
    const unwatch = watchGlobe(viewer, {
      onFrame: () => void (opsHooks().framesRendered += 1),
      onReady() {
        updateOpsHooks({ globeReady: true });
        callbacks.current.onReady();
      },
      onViewMoved: (centre) => updateOpsHooks({ viewCentre: centre }),
    });
    const clicks = new ScreenSpaceEventHandler(scene.canvas);
    clicks.setInputAction((event: ScreenSpaceEventHandler.PositionedEvent) => {
      const sn = entities.snOf(scene.pick(event.position));
      const hit = scene.camera.pickEllipsoid(event.position, scene.globe.ellipsoid);
      const c = hit ? Cartographic.fromCartesian(hit) : null;
      callbacks.current.onPick(sn, c ? { lat: CesiumMath.toDegrees(c.latitude), lon: CesiumMath.toDegrees(c.longitude) } : null);
    }, ScreenSpaceEventType.LEFT_CLICK);
    scene.requestRender();
    return () => {
      unwatch();
      clicks.destroy();
      if (!viewer.isDestroyed()) entities.clear();
      updateOpsHooks({ globeReady: false, drones: {}, docks: {}, viewCentre: null });
    };
  }, [viewer, entities]);

  useEffect(() => {
    if (viewer.isDestroyed()) return;
    if (entities.sync(state, selectedSn, target)) {
      viewer.scene.requestRender();
      updateOpsHooks({ changedAtFrame: opsHooks().framesRendered });
    }
    updateOpsHooks({ ...entities.readBack(state, JulianDate.now()) });
  }, [viewer, entities, state, selectedSn, target]);

  useEffect(() => {
    if (viewer.isDestroyed()) return;
    if (mediaMarkers.sync(media ?? [], selectedMediaId ?? null)) viewer.scene.requestRender();
  }, [viewer, mediaMarkers, media, selectedMediaId]);
  useEffect(() => () => {
    if (!viewer.isDestroyed()) mediaMarkers.clear();
  }, [viewer, mediaMarkers]);
  useEffect(() => {
    if (viewer.isDestroyed()) return;
    if (detectionMarkers.sync(detections ?? [])) viewer.scene.requestRender();
  }, [viewer, detectionMarkers, detections]);
  useEffect(() => () => {
    if (!viewer.isDestroyed()) detectionMarkers.clear();
  }, [viewer, detectionMarkers]);

  useEffect(() => {
    if (!focus || viewer.isDestroyed()) return;
    const position = entities.dockPosition(focus.sn, JulianDate.now());
    if (position) viewer.scene.camera.flyToBoundingSphere(new BoundingSphere(position, 0), { offset: DOCK_VIEW, duration: FLIGHT_S });
  }, [viewer, entities, focus]);

  return null;
}
