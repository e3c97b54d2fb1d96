/**
 * Wire contracts of drone imagery: the pose a camera records with each image (EXIF/XMP-like
 * metadata a DJI dock attaches), shared by the simulated camera (edge/), the media upload API
 * (hub/) and pixel→ground projection (analytics/detection/).
 */
import Type, { type Static } from 'typebox';

const Ts = Type.String({ format: 'date-time', maxLength: 40 });

/** Where the camera was and where it looked when the image was taken. */
export const ImagePose = Type.Object(
  {
    takenAt: Ts,
    lat: Type.Number({ minimum: -90, maximum: 90 }),
    lon: Type.Number({ minimum: -180, maximum: 180 }),
    /** Height above mean sea level, metres. */
    altAmslM: Type.Number({ minimum: -500, maximum: 10_000 }),
    /** Height above the take-off point (the dock), metres. */
    altRelM: Type.Number({ minimum: -500, maximum: 10_000 }),
    /** Camera heading, degrees clockwise from true north. */
    headingDeg: Type.Number({ minimum: 0, maximum: 360 }),
    /** Gimbal pitch, degrees: 0 = horizon, −90 = straight down (nadir). */
    gimbalPitchDeg: Type.Number({ minimum: -90, maximum: 30 }),
    /** Horizontal field of view, degrees. */
    hfovDeg: Type.Number({ exclusiveMinimum: 0, maximum: 180 }),
    widthPx: Type.Integer({ minimum: 1, maximum: 20_000 }),
    heightPx: Type.Integer({ minimum: 1, maximum: 20_000 }),
  },
  { additionalProperties: false },
);
/** Where the camera was and where it looked. */
export type ImagePose = Static<typeof ImagePose>;

/** Kinds of things the simulated district scatters for detection to find (ground truth). */
export const SCENE_OBJECT_KINDS = ['waterlogging', 'garbage', 'floating-debris', 'banner'] as const;
/** A kind of scene object. */
export type SceneObjectKind = (typeof SCENE_OBJECT_KINDS)[number];

// ---------------------------------------------------------------- media API

const Sha256 = Type.String({ pattern: '^[0-9a-f]{64}$' });
const IdText = Type.String({ pattern: '^[0-9]{1,18}$' });

/** Image types the hub stores. */
export const MEDIA_MIME_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;

/** Body of `POST /api/v1/media/uploads`: announces an upload (or learns it is already stored). */
export const MediaUploadBody = Type.Object(
  {
    /** SHA-256 of the whole file, lowercase hex: the upload's identity. */
    sha256: Sha256,
    /** Size of the whole file, bytes. */
    bytes: Type.Integer({ minimum: 1 }),
    mime: Type.String({ maxLength: 64 }),
    pose: ImagePose,
    /** The dock that took it (a dock uploading with its own credentials may leave it out). */
    dockSn: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' })),
    /** The sortie the dock was flying (`start-task` params.sortieId). */
    sortieId: Type.Optional(IdText),
    /** The flight, when the uploader knows it; otherwise the hub finds it by dock and time. */
    flightId: Type.Optional(IdText),
    /** Original file name, for people. */
    fileName: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
/** Body of an upload announcement. */
export type MediaUploadBody = Static<typeof MediaUploadBody>;

/** A stored image. */
export const MediaView = Type.Object({
  id: Type.Integer(),
  sha256: Sha256,
  mime: Type.String(),
  bytes: Type.Integer(),
  widthPx: Type.Integer(),
  heightPx: Type.Integer(),
  dockSn: Type.Union([Type.String(), Type.Null()]),
  sortieId: Type.Union([Type.Integer(), Type.Null()]),
  flightId: Type.Union([Type.Integer(), Type.Null()]),
  takenAt: Type.String(),
  pose: ImagePose,
  fileName: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  /** Patrol tasks the image is filed under. */
  taskIds: Type.Array(Type.Integer()),
  /** Where to fetch the original and the thumbnail (with the caller's bearer token or `?token=`). */
  url: Type.String(),
  thumbUrl: Type.String(),
});
/** A stored image. */
export type MediaView = Static<typeof MediaView>;

/** State of an upload: `complete` with the stored image, or `pending` with the bytes received so far. */
export const MediaUploadReply = Type.Object({
  status: Type.Unsafe<'pending' | 'complete'>({ type: 'string', enum: ['pending', 'complete'] }),
  sha256: Sha256,
  /** Bytes the hub holds; the next chunk starts here. */
  offset: Type.Integer(),
  bytes: Type.Integer(),
  media: Type.Optional(MediaView),
});
/** Reply of the upload endpoints. */
export type MediaUploadReply = Static<typeof MediaUploadReply>;

/** Query of `GET /api/v1/media`. */
export const MediaListQuery = Type.Object(
  {
    sortieId: Type.Optional(IdText),
    flightId: Type.Optional(IdText),
    taskId: Type.Optional(IdText),
    dockSn: Type.Optional(Type.String({ maxLength: 64 })),
    /** `minLon,minLat,maxLon,maxLat` of the camera position. */
    bbox: Type.Optional(Type.String({ pattern: '^-?[0-9.]+,-?[0-9.]+,-?[0-9.]+,-?[0-9.]+$' })),
    from: Type.Optional(Type.String({ format: 'date-time' })),
    to: Type.Optional(Type.String({ format: 'date-time' })),
    /** Only images with an id below this (paging backwards, newest first). */
    beforeId: Type.Optional(Type.Integer({ minimum: 1 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  },
  { additionalProperties: false },
);
/** Query of the media list. */
export type MediaListQuery = Static<typeof MediaListQuery>;

/** Reply of `GET /api/v1/media`, newest first. */
export const MediaListReply = Type.Object({ items: Type.Array(MediaView) });
/** Reply of the media list. */
export type MediaListReply = Static<typeof MediaListReply>;
