/** 影像 / Media in the cockpit: gallery, pose panel, map markers and API calls, for the portal, the console and the big screen. */
export { MediaGallery, MediaPoseInfo, MediaWithDetections, type MediaGalleryProps } from './media-gallery.tsx';
export { DetectedImage, detectionLabel, type OverlayBox } from './detection-overlay.tsx';
export { MediaMarkers } from './media-markers.ts';
export { nadirFootprint } from './media-footprint.ts';
export { getDetections, listMedia, latestFlightOf, mediaQueryString, mediaSrc, type MediaQuery } from './media-api.ts';
