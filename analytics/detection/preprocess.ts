/**
 * Preprocessing with sharp: decode, letterbox to the model input (aspect kept, padded), normalise
 * and lay out as NCHW float32, keeping the scale and padding that map model pixels back to the
 * original image.
 */
import sharp from 'sharp';
import { DetectionErrors } from './detection.errors.ts';
import type { ModelDescriptor } from './model-descriptor.ts';

/** How model-input pixels map to original pixels: x = (xModel − padX) / scale. */
export interface Letterbox {
  /** Original image size, pixels. */
  imageWidthPx: number;
  imageHeightPx: number;
  /** Model pixels per original pixel. */
  scale: number;
  /** Padding left and top in model pixels. */
  padX: number;
  padY: number;
}

/** A model input tensor and the letterbox that made it. */
export interface Preprocessed {
  /** NCHW float32, length 3 × height × width. */
  data: Float32Array;
  dims: [1, 3, number, number];
  letterbox: Letterbox;
}

/** Decodes `image` and turns it into the input of the model described by `input`. Throws IMAGE_CORRUPT. */
export async function preprocess(image: Uint8Array, input: ModelDescriptor['input']): Promise<Preprocessed> {
  const W = input.width;
  const H = input.height;
  let pixels: Buffer;
  let lb: Letterbox;
  try {
    const meta = await sharp(image).metadata();
    const w = meta.autoOrient?.width ?? meta.width;
    const h = meta.autoOrient?.height ?? meta.height;
    if (!w || !h) throw new Error('image has no size');
    const scale = Math.min(W / w, H / h);
    const nw = Math.max(1, Math.min(W, Math.round(w * scale)));
    const nh = Math.max(1, Math.min(H, Math.round(h * scale)));
    const padX = Math.floor((W - nw) / 2);
    const padY = Math.floor((H - nh) / 2);
    const pad = input.padValue ?? 114;
    const out = await sharp(image)
      .autoOrient()
      .toColourspace('srgb')
      .removeAlpha()
      .resize(nw, nh, { fit: 'fill', kernel: 'linear' })
      .extend({ top: padY, bottom: H - nh - padY, left: padX, right: W - nw - padX, background: { r: pad, g: pad, b: pad } })
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (out.info.channels !== 3 || out.info.width !== W || out.info.height !== H) throw new Error(`unexpected decoded shape ${out.info.width}×${out.info.height}×${out.info.channels}`);
    pixels = out.data;
    lb = { imageWidthPx: w, imageHeightPx: h, scale, padX, padY };
  } catch (err) {
    throw DetectionErrors.IMAGE_CORRUPT(undefined, { reason: (err as Error).message });
  }
  return { data: toNchw(pixels, W, H, input), dims: [1, 3, H, W], letterbox: lb };
}

/** Interleaved RGB bytes (HWC) → normalised planar float32 (CHW) in the model's channel order. */
export function toNchw(rgb: Uint8Array, width: number, height: number, input: Pick<ModelDescriptor['input'], 'channels' | 'scale' | 'mean' | 'std'>): Float32Array {
  const plane = width * height;
  const out = new Float32Array(3 * plane);
  const order = input.channels === 'RGB' ? [0, 1, 2] : [2, 1, 0];
  for (let c = 0; c < 3; c++) {
    const src = order[c]!;
    const mul = input.scale / input.std[c]!;
    const add = -input.mean[c]! / input.std[c]!;
    const base = c * plane;
    for (let i = 0; i < plane; i++) out[base + i] = rgb[i * 3 + src]! * mul + add;
  }
  return out;
}

/** Maps a box in model pixels to original pixels, clipped to the image. */
export function boxToImage(box: readonly [number, number, number, number], lb: Letterbox): [number, number, number, number] {
  const fx = (x: number) => Math.min(lb.imageWidthPx, Math.max(0, (x - lb.padX) / lb.scale));
  const fy = (y: number) => Math.min(lb.imageHeightPx, Math.max(0, (y - lb.padY) / lb.scale));
  return [fx(box[0]), fy(box[1]), fx(box[2]), fy(box[3])];
}

/** Maps a point in model pixels to original pixels (not clipped). */
export function pointToImage(p: readonly [number, number], lb: Letterbox): [number, number] {
  return [(p[0] - lb.padX) / lb.scale, (p[1] - lb.padY) / lb.scale];
}
