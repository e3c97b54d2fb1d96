/** Messages between the detector's pool and its worker threads. */
import type { ErrorInfo, WorkerModelRun } from './detection.types.ts';

/** A task for a detection worker. */
export type WorkerRequest =
  | { kind: 'detect'; modelIds: string[]; image: Uint8Array }
  | { kind: 'check'; modelIds: string[] }
  | { kind: 'crash' };

/** A worker's answer to a task. */
export type WorkerResponse =
  | { kind: 'detected'; runs: WorkerModelRun[] }
  | { kind: 'checked'; models: Array<{ modelId: string; ok: true } | { modelId: string; ok: false; error: ErrorInfo }> };
