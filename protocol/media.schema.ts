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
