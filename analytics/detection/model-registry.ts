/**
 * The model registry: reads every `*.json` descriptor in the model folder, validates it and
 * resolves its ONNX file. A bad descriptor is rejected with its reason; the others still load.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { AppError } from '../../common/errors.ts';
import { validator } from '../../protocol/validate.ts';
import { DetectionErrors } from './detection.errors.ts';
import { ModelDescriptor, type ResolvedModel } from './model-descriptor.ts';

const check = validator(ModelDescriptor, 10);

/** Models found in a folder, and the descriptors that were refused. */
export interface ModelRegistry {
  models: ResolvedModel[];
  rejected: Array<{ descriptorPath: string; error: AppError }>;
}

/** Finds `node_modules/<pkg>` walking up from `from`. */
function packageRoot(pkg: string, from: string): string | undefined {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', pkg);
    if (fs.existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** Absolute path of a descriptor's `file` (relative to `descriptorDir`, absolute, or `package:`). */
export function resolveModelFile(file: string, descriptorDir: string): string {
  if (!file.startsWith('package:')) return path.resolve(descriptorDir, file);
  const spec = file.slice('package:'.length);
  const parts = spec.split('/');
  const nameLen = spec.startsWith('@') ? 2 : 1;
  const pkg = parts.slice(0, nameLen).join('/');
  const root = packageRoot(pkg, descriptorDir) ?? packageRoot(pkg, process.cwd()) ?? packageRoot(pkg, path.dirname(new URL(import.meta.url).pathname));
  if (!root) return path.resolve(descriptorDir, 'node_modules', spec);
  return path.join(root, ...parts.slice(nameLen));
}

/** Validates one parsed descriptor; throws DESCRIPTOR_INVALID with every problem found. */
export function parseDescriptor(value: unknown, descriptorPath: string): ResolvedModel {
  const r = check.check(value);
  if (!r.ok) throw DetectionErrors.DESCRIPTOR_INVALID(undefined, { descriptorPath, problems: r.errors });
  const d = r.value;
  const problems: string[] = [];
  for (const cls of Object.keys(d.eventTypes)) if (!d.classes.includes(cls)) problems.push(`eventTypes names class "${cls}" that is not in classes`);
  if (d.output.layout === 'paddle-db') {
    if (d.input.width % 32 !== 0 || d.input.height % 32 !== 0) problems.push('paddle-db input width and height must be multiples of 32');
    if (d.classes.length !== 1) problems.push('paddle-db models have exactly one class');
  }
  if (problems.length) throw DetectionErrors.DESCRIPTOR_INVALID(undefined, { descriptorPath, problems });
  return { descriptor: d, descriptorPath, modelPath: resolveModelFile(d.file, path.dirname(descriptorPath)) };
}

/** Reads every descriptor in `modelDir` (a missing folder holds no models). */
export function loadModelRegistry(modelDir: string): ModelRegistry {
  const out: ModelRegistry = { models: [], rejected: [] };
  if (!fs.existsSync(modelDir)) return out;
  const files = fs.readdirSync(modelDir).filter((f) => f.endsWith('.json')).sort();
  for (const f of files) {
    const descriptorPath = path.join(modelDir, f);
    try {
      let value: unknown;
      try {
        value = JSON.parse(fs.readFileSync(descriptorPath, 'utf8'));
      } catch (err) {
        throw DetectionErrors.DESCRIPTOR_INVALID(undefined, { descriptorPath, problems: [`not JSON: ${(err as Error).message}`] });
      }
      const model = parseDescriptor(value, descriptorPath);
      if (out.models.some((m) => m.descriptor.id === model.descriptor.id)) {
        throw DetectionErrors.DESCRIPTOR_INVALID(undefined, { descriptorPath, problems: [`model id "${model.descriptor.id}" is used by another descriptor`] });
      }
      if (!fs.existsSync(model.modelPath)) throw DetectionErrors.MODEL_NOT_FOUND(`模型文件不存在 / model file not found: ${model.modelPath}`, { descriptorPath, modelPath: model.modelPath });
      out.models.push(model);
    } catch (err) {
      out.rejected.push({ descriptorPath, error: err as AppError });
    }
  }
  return out;
}
