/**
 * A detection worker thread (started through `detector.worker.mjs`): loads models lazily with its
 * own onnxruntime sessions, runs tasks one at a time, and answers every task — a failing task
 * (corrupt image, bad model) answers with an error and the worker keeps serving.
 */
import fs from 'node:fs';
import os from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { AppError } from '../../common/errors.ts';
import { DetectionErrors } from './detection.errors.ts';
import type { ErrorInfo, WorkerModelRun } from './detection.types.ts';
import type { ResolvedModel } from './model-descriptor.ts';
import { openModelSession, type ModelSession } from './model-session.ts';
import { runModel } from './run-model.ts';
import type { WorkerRequest, WorkerResponse } from './worker-protocol.ts';

const { models, threads, nice } = workerData as { models: ResolvedModel[]; threads: number; nice: number };

// Lower this thread's CPU priority (Linux: nice is per thread, and onnxruntime's intra-op threads,
// created later from this thread, inherit it), so that on a busy machine ingest and the API win.
try {
  if (nice > 0) os.setPriority(Number(fs.readlinkSync('/proc/thread-self').split('/').pop()), nice);
} catch {
  // Not Linux, or not permitted: run at normal priority.
}
const sessions = new Map<string, Promise<ModelSession>>();

function toInfo(err: unknown): ErrorInfo {
  if (err instanceof AppError) return { code: err.code, message: err.message, details: err.details };
  const e = DetectionErrors.INFERENCE_FAILED(undefined, { reason: err instanceof Error ? err.message : String(err) });
  return { code: e.code, message: e.message, details: e.details };
}

function session(modelId: string): Promise<ModelSession> {
  let s = sessions.get(modelId);
  if (!s) {
    const model = models.find((m) => m.descriptor.id === modelId);
    s = model ? openModelSession(model, threads) : Promise.reject(DetectionErrors.MODEL_NOT_FOUND(undefined, { modelId }));
    s.catch(() => undefined); // a failed load is remembered and answered to every task that needs it
    sessions.set(modelId, s);
  }
  return s;
}

async function handle(req: WorkerRequest): Promise<WorkerResponse> {
  switch (req.kind) {
    case 'check': {
      const runs = [];
      for (const modelId of req.modelIds) {
        try {
          await session(modelId);
          runs.push({ modelId, ok: true as const });
        } catch (err) {
          runs.push({ modelId, ok: false as const, error: toInfo(err) });
        }
      }
      return { kind: 'checked', models: runs };
    }
    case 'detect': {
      const runs: WorkerModelRun[] = [];
      for (const modelId of req.modelIds) {
        try {
          const out = await runModel(await session(modelId), req.image);
          runs.push({ modelId, outcome: 'ok', ...out });
        } catch (err) {
          runs.push({ modelId, outcome: 'error', error: toInfo(err) });
        }
      }
      return { kind: 'detected', runs };
    }
    case 'crash':
      // Simulates a crashed worker (tests of the pool's replacement); ends only this thread.
      process.exit(70);
  }
}

parentPort!.on('message', (msg: { taskId: number; req: WorkerRequest }) => {
  void handle(msg.req).then((res) => parentPort!.postMessage({ taskId: msg.taskId, res }));
});
