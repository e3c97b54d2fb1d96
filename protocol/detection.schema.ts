/**
 * Wire contracts of detections: what the detection models found in a drone image (box in image
 * pixels, score, place on the ground) and the evidence an event carries (image, box, score).
 */
import Type, { type Static } from 'typebox';

/** Chinese labels of the detection classes the registered models report. */
export const DETECTION_CLASS_LABELS_ZH: Record<string, string> = {
  waterlogging: '积水',
  garbage: '暴露垃圾',
  'floating-debris': '河道漂浮物',
  text: '文字（疑似违规广告）',
  banner: '横幅',
};

const Box = Type.Tuple([Type.Number(), Type.Number(), Type.Number(), Type.Number()], { description: '[x1, y1, x2, y2], pixels of the original image' });

/** One detection in an image. */
export const DetectionView = Type.Object({
  id: Type.Integer(),
  mediaId: Type.Integer(),
  modelId: Type.String(),
  class: Type.String(),
  eventType: Type.Union([Type.String(), Type.Null()]),
  score: Type.Number(),
  box: Box,
  lat: Type.Union([Type.Number(), Type.Null()]),
  lon: Type.Union([Type.Number(), Type.Null()]),
  errorM: Type.Union([Type.Number(), Type.Null()]),
  /** Half the box's ground diagonal, metres (nadir images). */
  extentM: Type.Union([Type.Number(), Type.Null()]),
  eventId: Type.Union([Type.Integer(), Type.Null()]),
  createdAt: Type.String(),
});
/** One detection in an image. */
export type DetectionView = Static<typeof DetectionView>;

/** Detections of one image, with whether it has been processed. */
export const MediaDetectionsReply = Type.Object({
  mediaId: Type.Integer(),
  widthPx: Type.Integer(),
  heightPx: Type.Integer(),
  /** pending: not yet run; done: every model ran; failed: gave up after retries. */
  status: Type.Union([Type.Literal('pending'), Type.Literal('done'), Type.Literal('failed')]),
  items: Type.Array(DetectionView),
});
/** Detections of one image. */
export type MediaDetectionsReply = Static<typeof MediaDetectionsReply>;

/** Evidence of an event: a drone image with the detection's box and score. */
export const EvidenceView = Type.Object({
  detectionId: Type.Integer(),
  mediaId: Type.Integer(),
  thumbUrl: Type.String(),
  fileUrl: Type.String(),
  widthPx: Type.Integer(),
  heightPx: Type.Integer(),
  takenAt: Type.String(),
  box: Box,
  score: Type.Number(),
  class: Type.String(),
  lat: Type.Union([Type.Number(), Type.Null()]),
  lon: Type.Union([Type.Number(), Type.Null()]),
  distanceM: Type.Union([Type.Number(), Type.Null()]),
});
/** Evidence of an event. */
export type EvidenceView = Static<typeof EvidenceView>;
