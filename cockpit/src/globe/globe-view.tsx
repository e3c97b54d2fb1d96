/** The offline Cesium globe over Panyu with the sensors' markers. */
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import {
  type Viewer as CesiumViewer,
  JulianDate,
  ScreenSpaceEventHandler,
  ScreenSpaceEventType,
} from 'cesium';
import { OfflineViewer } from './offline-viewer.tsx';
import type { SensorRow } from '../sensors/sensor-state.ts';
import { testHooks, updateTestHooks } from '../test-hooks/test-hooks.ts';
import { GlobeLoading, watchGlobe } from './globe-setup.tsx';
import { flyToOverview, flyToPoint } from './panyu-view.ts';
import { SensorMarkers } from './sensor-markers.ts';
import { RainRings } from '../rain/rain-rings.ts';


/** A request to move the camera: to a sensor, or back to the overview when `sn` is null. */
export interface FocusRequest {
  sn: string | null;
  /** Changes on every request, so asking for the same sensor twice flies twice. */
  nonce: number;
}

/** Props of the globe. */
export interface GlobeViewProps {
  rows: readonly SensorRow[];
  selectedSn: string | null;
  focus: FocusRequest | null;
  /** A marker (or empty ground, null) was clicked. */
  onPick(sn: string | null): void;
}

/** The globe, its loading indicator and the overview button. */
export function GlobeView(props: GlobeViewProps) {
  const [ready, setReady] = useState(false);
  const [viewer, setViewer] = useState<CesiumViewer | null>(null);
  const markReady = useCallback(() => setReady(true), []);
  return (
    <div className="globe">
      <OfflineViewer onViewer={setViewer} />
      {viewer && <GlobeController {...props} viewer={viewer} onReady={markReady} />}
      {!ready && <GlobeLoading className="globe-loading" />}
    </div>
  );
}

interface ControllerProps extends GlobeViewProps {
  viewer: CesiumViewer;
  onReady(): void;
}

/** Drives the viewer imperatively: camera, readiness, picking and the sensor markers. */
function GlobeController({ viewer, rows, selectedSn, focus, onPick, onReady }: ControllerProps) {
  const markers = useMemo(() => new SensorMarkers(viewer.entities), [viewer]);
  const rainRings = useMemo(() => new RainRings(viewer.entities), [viewer]);
  const callbacks = useRef({ onPick, onReady });
  useLayoutEffect(() => {
    callbacks.current = { onPick, onReady };
  });

  useEffect(() => {
    const scene = viewer.scene;
    // The sensor list is how a sensor is focused.
    const unwatch = watchGlobe(viewer, {
      onFrame: () => void (testHooks().framesRendered += 1),
      onReady(centre) {
        updateTestHooks({ globeReady: true, viewCentre: centre });
        callbacks.current.onReady();
      },
      onViewMoved: (centre) => updateTestHooks({ viewCentre: centre }),
    });
    const clicks = new ScreenSpaceEventHandler(scene.canvas);
    clicks.setInputAction((event: ScreenSpaceEventHandler.PositionedEvent) => {
      callbacks.current.onPick(markers.snOf(scene.pick(event.position)));
    }, ScreenSpaceEventType.LEFT_CLICK);
    scene.requestRender();

    return () => {
      unwatch();
      clicks.destroy();
      if (!viewer.isDestroyed()) {
        markers.clear();
        rainRings.clear();
      }
      updateTestHooks({ globeReady: false, sensors: {}, viewCentre: null });
    };
  }, [viewer, markers, rainRings]);

  useEffect(() => {
    if (viewer.isDestroyed()) return;
    if (rainRings.sync(rows)) viewer.scene.requestRender();
    if (markers.sync(rows, selectedSn)) {
      viewer.scene.requestRender();
      updateTestHooks({ markersChangedAtFrame: testHooks().framesRendered });
    }
    updateTestHooks({ sensors: markers.readBack(rows, JulianDate.now()), selectedSn });
  }, [viewer, markers, rainRings, rows, selectedSn]);

  useEffect(() => {
    if (!focus || viewer.isDestroyed()) return;
    const camera = viewer.scene.camera;
    if (focus.sn === null) {
      flyToOverview(camera);
      return;
    }
    const position = markers.positionOf(focus.sn, JulianDate.now());
    if (position) flyToPoint(camera, position);
  }, [viewer, markers, focus]);

  return null;
}
