/** Shapes of detection results shared by the worker, the pool and the detector's callers. */
import type { EventType } from '../../protocol/workflow.schema.ts';
import type { OutputLayout } from './model-descriptor.ts';

/** One detected object in original image pixels. */
export interface Detection {
  /** Class name from the model's descriptor. */
  class: string;
  /** Event type the class suggests (from the descriptor), when it suggests one. */
  eventType?: EventType;
  /** 0–1. */
  score: number;
  /** Axis-aligned box [x1, y1, x2, y2], original image pixels. */
  boxPx: [number, number, number, number];
  /** Rotated text box corners (PaddleOCR DB), original image pixels. */
  polygonPx?: Array<[number, number]>;
}

/** Milliseconds spent in each step of one model's run. */
export interface DetectionTiming {
  preprocessMs: number;
  inferMs: number;
  postprocessMs: number;
}

/** A serialisable catalogue error (crosses the worker boundary). */
export interface ErrorInfo {
  code: string;
  message: string;
  details?: unknown;
}

/** The result of one model on one image, as it leaves the worker. */
export type WorkerModelRun =
  | { modelId: string; outcome: 'ok'; detections: Detection[]; imageWidthPx: number; imageHeightPx: number; timing: DetectionTiming }
  | { modelId: string; outcome: 'error'; error: ErrorInfo };

/** A model as the detector lists it. */
export interface ModelInfo {
  id: string;
  name?: string;
  layout: OutputLayout;
  inputWidthPx: number;
  inputHeightPx: number;
  classes: string[];
  eventTypes: Partial<Record<string, EventType>>;
  scoreThreshold: number;
  iouThreshold: number;
}
