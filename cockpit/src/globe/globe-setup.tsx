/**
 * What every cockpit globe does with its viewer (the big screen, the operator console, the
 * department portal): the district's style, no double-click tracking, the overview camera, and
 * reports of frames, first readiness and camera moves; and the spinner shown until it is ready.
 */
import { ScreenSpaceEventType, type Viewer as CesiumViewer } from 'cesium';
import type { YzgGroundPoint } from '../test-hooks/test-hooks.ts';
import { styleScene } from './scene-style.ts';
import { showOverview, viewCentre } from './panyu-view.ts';

/** What a view learns from its globe. */
export interface GlobeWatch {
  /** Every rendered frame. */
  onFrame(): void;
  /** Once, after the first frame with every visible tile loaded; with the point at the view's centre. */
  onReady(centre: YzgGroundPoint | null): void;
  /** The camera stopped moving; the point now at the view's centre. */
  onViewMoved(centre: YzgGroundPoint | null): void;
}

/** Prepares `viewer` and starts reporting; returns the function that stops the reports. */
export function watchGlobe(viewer: CesiumViewer, watch: GlobeWatch): () => void {
  const scene = viewer.scene;
  styleScene(scene);
  // Double-click would make the camera track an entity; each view has its own way to focus.
  viewer.cesiumWidget.screenSpaceEventHandler.removeInputAction(ScreenSpaceEventType.LEFT_DOUBLE_CLICK);
  showOverview(scene.camera);
  let ready = false;
  const removePostRender = scene.postRender.addEventListener(() => {
    watch.onFrame();
    if (ready || !scene.globe.tilesLoaded) return;
    ready = true;
    watch.onReady(viewCentre(scene));
  });
  const removeMoveEnd = scene.camera.moveEnd.addEventListener(() => watch.onViewMoved(viewCentre(scene)));
  return () => {
    removePostRender();
    removeMoveEnd();
  };
}

/** The spinner over a globe until its first tiles are in (`className` places it in its view). */
export function GlobeLoading({ className }: { className: string }) {
  return (
    <div className={className} role="status">
      <span className="spinner" aria-hidden="true" />
      地图加载中…<small>Loading globe</small>
    </div>
  );
}
