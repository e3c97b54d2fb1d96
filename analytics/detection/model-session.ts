/**
 * One model loaded in onnxruntime-node and checked against its descriptor: the session's real
 * input and output names, the input shape it declares, and the output dimensions of a warm-up
 * run on zeros must agree with the descriptor, or loading fails with DESCRIPTOR_MISMATCH.
 */
import fs from 'node:fs';
import * as ort from 'onnxruntime-node';
import { DetectionErrors } from './detection.errors.ts';
import type { ResolvedModel } from './model-descriptor.ts';

/** A loaded, checked model. */
export interface ModelSession {
  model: ResolvedModel;
  /** Runs the model on one NCHW float32 input; returns the descriptor's output. */
  run(data: Float32Array, dims: readonly number[]): Promise<{ data: Float32Array; dims: readonly number[] }>;
  release(): Promise<void>;
}

/** Output dimensions the descriptor's layout expects, or a reason they do not fit. */
export function checkOutputDims(model: ResolvedModel, dims: readonly number[]): string | undefined {
  const d = model.descriptor;
  const c = d.classes.length;
  const shape = `[${dims.join(',')}]`;
  switch (d.output.layout) {
    case 'yolov5':
      if (dims.length !== 3 || dims[0] !== 1 || dims[2] !== 5 + c) return `yolov5 expects [1,N,${5 + c}] for ${c} classes, the model gives ${shape}`;
      return undefined;
    case 'yolov8':
      if (dims.length !== 3 || dims[0] !== 1 || dims[1] !== 4 + c) return `yolov8 expects [1,${4 + c},N] for ${c} classes, the model gives ${shape}`;
      return undefined;
    case 'paddle-db':
      if (dims.length !== 4 || dims[0] !== 1 || dims[1] !== 1 || dims[2] !== d.input.height || dims[3] !== d.input.width) {
        return `paddle-db expects [1,1,${d.input.height},${d.input.width}], the model gives ${shape}`;
      }
      return undefined;
  }
}

/** Loads and checks a model with `threads` intra-op threads. Throws MODEL_NOT_FOUND, MODEL_FILE_CORRUPT or DESCRIPTOR_MISMATCH. */
export async function openModelSession(model: ResolvedModel, threads: number): Promise<ModelSession> {
  const d = model.descriptor;
  const details = { modelId: d.id, modelPath: model.modelPath };
  if (!fs.existsSync(model.modelPath)) throw DetectionErrors.MODEL_NOT_FOUND(undefined, details);
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(model.modelPath, {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    });
  } catch (err) {
    throw DetectionErrors.MODEL_FILE_CORRUPT(undefined, { ...details, reason: (err as Error).message });
  }
  const mismatch = (problem: string) => {
    void session.release();
    return DetectionErrors.DESCRIPTOR_MISMATCH(undefined, { ...details, problem, inputNames: session.inputNames, outputNames: session.outputNames });
  };
  if (!session.inputNames.includes(d.input.name)) throw mismatch(`the model has no input "${d.input.name}" (it has ${session.inputNames.join(', ')})`);
  if (session.inputNames.length !== 1) throw mismatch(`the model has ${session.inputNames.length} inputs; one image input is supported`);
  if (!session.outputNames.includes(d.output.name)) throw mismatch(`the model has no output "${d.output.name}" (it has ${session.outputNames.join(', ')})`);
  const meta = session.inputMetadata.find((m) => m.name === d.input.name);
  if (meta?.isTensor) {
    const want = [1, 3, d.input.height, d.input.width];
    const bad = meta.shape.some((s, i) => typeof s === 'number' && s > 0 && s !== want[i]);
    if (meta.shape.length !== 4 || bad) throw mismatch(`the model's input is [${meta.shape.join(',')}], the descriptor says [${want.join(',')}]`);
  }
  const dims = [1, 3, d.input.height, d.input.width];
  const run = async (data: Float32Array, inDims: readonly number[]) => {
    const result = await session.run({ [d.input.name]: new ort.Tensor('float32', data, inDims) }, [d.output.name]);
    const t = result[d.output.name]!;
    if (t.type !== 'float32') throw new Error(`output "${d.output.name}" is ${t.type}, float32 expected`);
    return { data: t.data as Float32Array, dims: t.dims };
  };
  let warm: { dims: readonly number[] };
  try {
    warm = await run(new Float32Array(3 * d.input.width * d.input.height), dims);
  } catch (err) {
    throw mismatch(`warm-up run on zeros failed: ${(err as Error).message}`);
  }
  const problem = checkOutputDims(model, warm.dims);
  if (problem) throw mismatch(problem);
  return { model, run, release: () => session.release() };
}
