/**
 * The cockpit's Cesium viewer, offline: no Cesium ion, the NaturalEarthII imagery that ships with
 * Cesium as the base layer, every widget off, rendering only on change. Shared by the big screen
 * and the operator console.
 */
import { useCallback, useState, type ComponentType, type Ref } from 'react';
import { buildModuleUrl, ImageryLayer, Ion, TileMapServiceImageryProvider, type Viewer as CesiumViewer } from 'cesium';
import { Viewer } from 'resium';
import 'cesium/Build/Cesium/Widgets/widgets.css';

// The cockpit runs without Cesium ion: every tile and asset comes from our own server.
Ion.defaultAccessToken = '';

/** What Resium's <Viewer> ref holds. */
interface ViewerHandle {
  cesiumElement?: CesiumViewer | null;
}

/**
 * The <Viewer> props the cockpit uses. Resium's declarations use extensionless relative imports
 * that NodeNext resolution cannot follow, so they are restated here against Cesium's own types.
 */
interface ViewerShellProps {
  full?: boolean;
  baseLayer?: ImageryLayer | false;
  baseLayerPicker?: boolean;
  geocoder?: boolean;
  homeButton?: boolean;
  sceneModePicker?: boolean;
  navigationHelpButton?: boolean;
  fullscreenButton?: boolean;
  vrButton?: boolean;
  projectionPicker?: boolean;
  animation?: boolean;
  timeline?: boolean;
  infoBox?: boolean;
  selectionIndicator?: boolean;
  scene3DOnly?: boolean;
  requestRenderMode?: boolean;
  maximumRenderTimeChange?: number;
  msaaSamples?: number;
  orderIndependentTranslucency?: boolean;
  skyBox?: false;
  ref?: Ref<ViewerHandle>;
}
const ResiumViewer = Viewer as ComponentType<ViewerShellProps>;

/** The offline viewer; `onViewer` receives the Cesium viewer once it exists (and null when it goes). */
export function OfflineViewer({ onViewer }: { onViewer(viewer: CesiumViewer | null): void }) {
  const [baseLayer] = useState(() => ImageryLayer.fromProviderAsync(TileMapServiceImageryProvider.fromUrl(buildModuleUrl('Assets/Textures/NaturalEarthII'))));
  const viewerRef = useCallback((handle: ViewerHandle | null) => onViewer(handle?.cesiumElement ?? null), [onViewer]);
  return (
    <ResiumViewer
      ref={viewerRef}
      full
      baseLayer={baseLayer}
      baseLayerPicker={false}
      geocoder={false}
      homeButton={false}
      sceneModePicker={false}
      navigationHelpButton={false}
      fullscreenButton={false}
      vrButton={false}
      projectionPicker={false}
      animation={false}
      timeline={false}
      infoBox={false}
      selectionIndicator={false}
      scene3DOnly
      skyBox={false}
      msaaSamples={1}
      orderIndependentTranslucency={false}
      requestRenderMode
      maximumRenderTimeChange={Number.POSITIVE_INFINITY}
    />
  );
}
