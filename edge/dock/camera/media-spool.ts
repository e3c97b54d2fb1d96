/**
 * The camera's store-and-forward spool on disk: every image is written here (bytes, then its
 * metadata; each to a temporary name, fsynced and renamed) before any upload is tried, and
 * leaves only when the hub has stored it. A hub outage, a hub restart or the dock agent being
 * killed loses nothing: on start the spool is read back and its images are uploaded again (the
 * hub stores each content once, by SHA-256). Images the hub refuses for good go to `rejected/`.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { MediaUploadBody } from '../../../protocol/media.schema.ts';

/** One spooled image: its bytes are in `<sha256>.<ext>`, its announcement in `<sha256>.json`. */
export interface SpooledImage {
  sha256: string;
  file: string;
  meta: MediaUploadBody;
}

const EXT: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' };

/** A folder of images waiting for upload. */
export class MediaSpool {
  constructor(readonly dir: string) {
    fs.mkdirSync(dir, { recursive: true });
  }

  /** Writes an image durably and returns its spool entry (the same bytes twice make one entry). */
  put(bytes: Buffer, meta: Omit<MediaUploadBody, 'sha256' | 'bytes'>): SpooledImage {
    const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
    const file = path.join(this.dir, `${sha256}.${EXT[meta.mime] ?? 'bin'}`);
    const full: MediaUploadBody = { ...meta, sha256, bytes: bytes.length };
    writeDurably(file, bytes);
    // The metadata is written last: an entry exists only once both files are complete.
    writeDurably(path.join(this.dir, `${sha256}.json`), Buffer.from(JSON.stringify(full)));
    return { sha256, file, meta: full };
  }

  /** Images waiting, oldest first. Torn entries (a crash between the two writes) are dropped. */
  pending(): SpooledImage[] {
    const out: Array<SpooledImage & { mtimeMs: number }> = [];
    for (const name of fs.readdirSync(this.dir)) {
      if (!name.endsWith('.json')) continue;
      const metaFile = path.join(this.dir, name);
      try {
        const meta = JSON.parse(fs.readFileSync(metaFile, 'utf8')) as MediaUploadBody;
        const file = path.join(this.dir, `${meta.sha256}.${EXT[meta.mime] ?? 'bin'}`);
        const st = fs.statSync(file);
        if (st.size !== meta.bytes) throw new Error('size differs');
        out.push({ sha256: meta.sha256, file, meta, mtimeMs: fs.statSync(metaFile).mtimeMs });
      } catch {
        fs.rmSync(metaFile, { force: true });
      }
    }
    return out.sort((a, b) => a.mtimeMs - b.mtimeMs || a.meta.pose.takenAt.localeCompare(b.meta.pose.takenAt)).map(({ mtimeMs: _m, ...e }) => e);
  }

  /** Number of images waiting. */
  get size(): number {
    return fs.readdirSync(this.dir).filter((n) => n.endsWith('.json')).length;
  }

  /** Drops an image the hub has stored. */
  done(e: SpooledImage): void {
    fs.rmSync(path.join(this.dir, `${e.sha256}.json`), { force: true });
    fs.rmSync(e.file, { force: true });
  }

  /** Moves an image the hub refused for good to `rejected/` with the reason, for people to look at. */
  reject(e: SpooledImage, reason: string): void {
    const dir = path.join(this.dir, 'rejected');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `${e.sha256}.reason.txt`), reason);
    fs.renameSync(path.join(this.dir, `${e.sha256}.json`), path.join(dir, `${e.sha256}.json`));
    fs.renameSync(e.file, path.join(dir, path.basename(e.file)));
  }
}

function writeDurably(file: string, data: Buffer): void {
  const tmp = `${file}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}
