/** Downscales a camera photo in the browser before upload: longest side ≤ 1280 px, JPEG. */

/** Longest side of an uploaded photo, pixels. */
export const MAX_PHOTO_SIDE_PX = 1280;
/** Largest upload the API accepts, bytes (decoded). */
export const MAX_PHOTO_BYTES = 700_000;

/** A photo ready to upload. */
export interface PreparedPhoto {
  dataBase64: string;
  contentType: 'image/jpeg';
  widthPx: number;
  heightPx: number;
  sizeBytes: number;
}

function toBlob(canvas: HTMLCanvasElement, quality: number): Promise<Blob> {
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('canvas toBlob failed'))), 'image/jpeg', quality));
}

async function base64Of(blob: Blob): Promise<string> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** Scale factor that fits `w`×`h` into `maxSide` (never enlarges). */
export function fitScale(w: number, h: number, maxSide: number = MAX_PHOTO_SIDE_PX): number {
  return Math.min(1, maxSide / Math.max(w, h, 1));
}

/** Decodes `file`, draws it ≤ 1280 px on a canvas and encodes JPEG, lowering quality until it fits 700 kB. */
export async function preparePhoto(file: Blob): Promise<PreparedPhoto> {
  const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  const scale = fitScale(bitmap.width, bitmap.height);
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(bitmap.width * scale));
  canvas.height = Math.max(1, Math.round(bitmap.height * scale));
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2d canvas');
  // JPEG has no alpha: a white background instead of black under transparent PNGs.
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  let blob = await toBlob(canvas, 0.85);
  for (const q of [0.7, 0.55, 0.4]) {
    if (blob.size <= MAX_PHOTO_BYTES) break;
    blob = await toBlob(canvas, q);
  }
  if (blob.size > MAX_PHOTO_BYTES) throw new Error('photo too large');
  return { dataBase64: await base64Of(blob), contentType: 'image/jpeg', widthPx: canvas.width, heightPx: canvas.height, sizeBytes: blob.size };
}
