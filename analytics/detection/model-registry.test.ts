import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDescriptor, resolveModelFile } from './model-registry.ts';

const shipped = JSON.parse(fs.readFileSync(new URL('../../models/ppocr-v4-det.json', import.meta.url), 'utf8')) as Record<string, unknown>;

describe('model descriptors', () => {
  it('accepts the shipped PaddleOCR descriptor and resolves its package file', () => {
    const m = parseDescriptor(shipped, '/srv/yzg/models/ppocr-v4-det.json');
    expect(m.descriptor.output.layout).toBe('paddle-db');
    expect(m.modelPath).toMatch(/node_modules\/@gutenye\/ocr-models\/assets\/ch_PP-OCRv4_det_infer\.onnx$/);
    expect(fs.existsSync(m.modelPath)).toBe(true);
    expect(resolveModelFile('yolo.onnx', '/srv/models')).toBe(path.resolve('/srv/models/yolo.onnx'));
  });

  it('refuses bad descriptors with every problem listed', () => {
    const bad = (patch: Record<string, unknown>) => {
      try {
        parseDescriptor({ ...shipped, ...patch }, 'x.json');
      } catch (err) {
        return err as { code: string; details: { problems: string[] } };
      }
      throw new Error('accepted');
    };
    expect(bad({ output: { name: 'o', layout: 'yolov9' } }).code).toBe('DESCRIPTOR_INVALID');
    expect(bad({ id: 'Has Spaces' }).code).toBe('DESCRIPTOR_INVALID');
    expect(bad({ eventTypes: { text: 'not_an_event' } }).code).toBe('DESCRIPTOR_INVALID');
    expect(bad({ eventTypes: { sign: 'illegal_ad' } }).details.problems).toEqual(['eventTypes names class "sign" that is not in classes']);
    const input = { ...(shipped.input as object), width: 650 };
    expect(bad({ input, classes: ['text', 'sign'] }).details.problems).toEqual(['paddle-db input width and height must be multiples of 32', 'paddle-db models have exactly one class']);
  });
});
