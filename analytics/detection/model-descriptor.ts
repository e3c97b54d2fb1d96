/**
 * The descriptor of one detection model: a JSON file in the model folder next to (or pointing
 * at) the `.onnx` file. It says how to feed the model (input name and size, normalisation,
 * channel order), how to read its output (layout), which classes it knows and which event type
 * each class suggests, and the thresholds.
 */
import Type, { type Static } from 'typebox';
import { EVENT_TYPES, type EventType } from '../../protocol/workflow.schema.ts';

const EventTypeSchema = Type.Unsafe<EventType>({ type: 'string', enum: [...EVENT_TYPES] });
const Rgb = Type.Tuple([Type.Number(), Type.Number(), Type.Number()]);

/** Output layouts the runtime can decode. */
export const OUTPUT_LAYOUTS = ['yolov5', 'yolov8', 'paddle-db'] as const;
/** An output layout: `yolov5` [1,N,5+C], `yolov8` [1,4+C,N] (also v11), `paddle-db` [1,1,H,W] probability map. */
export type OutputLayout = (typeof OUTPUT_LAYOUTS)[number];

/** JSON schema of a model descriptor file. */
export const ModelDescriptor = Type.Object(
  {
    /** Stable id, used by tasks to select models (lower-case, digits, `-`, `.`, `_`). */
    id: Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{0,63}$' }),
    /** Human name, Chinese first. */
    name: Type.Optional(Type.String({ maxLength: 200 })),
    /**
     * The ONNX file: relative to the descriptor's folder, absolute, or `package:<npm name>/<path>`
     * for a model shipped in an installed package.
     */
    file: Type.String({ minLength: 1, maxLength: 1000 }),
    input: Type.Object(
      {
        name: Type.String({ minLength: 1 }),
        /** Model input width and height, pixels (the image is letterboxed to it). */
        width: Type.Integer({ minimum: 8, maximum: 4096 }),
        height: Type.Integer({ minimum: 8, maximum: 4096 }),
        /** Channel order the model expects. */
        channels: Type.Union([Type.Literal('RGB'), Type.Literal('BGR')]),
        /** Pixel value v (0–255) becomes (v × scale − mean[c]) / std[c]. */
        scale: Type.Number({ exclusiveMinimum: 0 }),
        mean: Rgb,
        std: Rgb,
        /** Grey level of the letterbox padding (0–255); 114 as in YOLO. */
        padValue: Type.Optional(Type.Integer({ minimum: 0, maximum: 255 })),
      },
      { additionalProperties: false },
    ),
    output: Type.Object(
      {
        name: Type.String({ minLength: 1 }),
        layout: Type.Union(OUTPUT_LAYOUTS.map((l) => Type.Literal(l))),
      },
      { additionalProperties: false },
    ),
    /** Class names in the model's output order. */
    classes: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 1000 }),
    /** Event type suggested by each class; classes not listed are reported without one. */
    eventTypes: Type.Record(Type.String(), EventTypeSchema),
    /** Lowest score kept (YOLO: objectness × class score; DB: mean probability inside the box). */
    scoreThreshold: Type.Number({ minimum: 0, maximum: 1 }),
    /** Boxes of the same class overlapping more than this are suppressed. */
    iouThreshold: Type.Number({ minimum: 0, maximum: 1 }),
    /**
     * Box voting (YOLO layouts): each suppressed box scoring at least `minScore` moves the kept box
     * that suppressed it towards itself, weighted by score. Candidates down to `minScore` are
     * decoded for the vote even when `scoreThreshold` is higher, so a box does not depend on the
     * threshold it is reported at.
     */
    boxVoting: Type.Optional(Type.Object({ minScore: Type.Number({ minimum: 0, maximum: 1 }) }, { additionalProperties: false })),
    /** At most this many detections per image. */
    maxDetections: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
    /** PaddleOCR DB settings. */
    db: Type.Optional(
      Type.Object(
        {
          /** Probability above which a pixel is text. */
          binaryThreshold: Type.Number({ minimum: 0, maximum: 1 }),
          /** Each box grows by area × ratio / perimeter on every side. */
          unclipRatio: Type.Number({ minimum: 0, maximum: 10 }),
          /** Components whose shorter side is below this (model pixels) are dropped. */
          minSizePx: Type.Number({ minimum: 0 }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
/** A model descriptor as written in its JSON file. */
export type ModelDescriptor = Static<typeof ModelDescriptor>;

/** A validated descriptor whose `file` is resolved to an absolute path. */
export interface ResolvedModel {
  descriptor: ModelDescriptor;
  /** Absolute path of the ONNX file. */
  modelPath: string;
  /** Absolute path of the descriptor file. */
  descriptorPath: string;
}

/** DB settings of PaddleOCR's own defaults. */
export const DEFAULT_DB = { binaryThreshold: 0.3, unclipRatio: 1.5, minSizePx: 3 } as const;
