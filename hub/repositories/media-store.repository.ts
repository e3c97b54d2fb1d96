/**
 * The media folder on disk (YZG_MEDIA_DIR): originals and thumbnails under content-addressed
 * paths (`ab/cd/<sha256>.jpg`), partial uploads under `partial/`. Nothing is ever half-written
 * where a reader looks: files are written to a temporary name, fsynced and renamed, and the
 * folder is fsynced so the rename survives a crash. Each appended chunk of a partial upload is
 * fsynced before it is acknowledged, so the received offset survives a hub restart.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import crypto from 'node:crypto';

/** Content-addressed storage of images. */
export class MediaStore {
  constructor(readonly dir: string) {}

  private partPath(sha256: string): string {
    return path.join(this.dir, 'partial', `${sha256}.part`);
  }

  /** Bytes of a partial upload received so far (0 when none). */
  async partSize(sha256: string): Promise<number> {
    try {
      return (await fsp.stat(this.partPath(sha256))).size;
    } catch {
      return 0;
    }
  }

  /** Appends a chunk to a partial upload at `offset` (which must be its current size); returns the new size. */
  async appendPart(sha256: string, offset: number, chunk: Buffer): Promise<number> {
    await fsp.mkdir(path.join(this.dir, 'partial'), { recursive: true });
    const fh = await fsp.open(this.partPath(sha256), 'a+');
    try {
      const { size } = await fh.stat();
      if (size !== offset) return size;
      await fh.write(chunk, 0, chunk.length, size);
      await fh.sync();
      return size + chunk.length;
    } finally {
      await fh.close();
    }
  }

  /** The bytes of a partial upload. */
  readPart(sha256: string): Promise<Buffer> {
    return fsp.readFile(this.partPath(sha256));
  }

  /** SHA-256 (hex) of a partial upload, streamed. */
  async hashPart(sha256: string): Promise<string> {
    const h = crypto.createHash('sha256');
    for await (const chunk of fs.createReadStream(this.partPath(sha256))) h.update(chunk as Buffer);
    return h.digest('hex');
  }

  /** Drops a partial upload. */
  async removePart(sha256: string): Promise<void> {
    await fsp.rm(this.partPath(sha256), { force: true });
  }

  /** Content-addressed relative path of an original or a thumbnail. */
  static relPath(sha256: string, ext: string, variant: 'original' | 'thumb'): string {
    return path.join(sha256.slice(0, 2), sha256.slice(2, 4), `${sha256}${variant === 'thumb' ? '.thumb' : ''}.${ext}`);
  }

  /** Moves a complete partial upload to its content-addressed place (already fsynced chunk by chunk). */
  async commitPart(sha256: string, rel: string): Promise<void> {
    const dest = path.join(this.dir, rel);
    await fsp.mkdir(path.dirname(dest), { recursive: true });
    await fsp.rename(this.partPath(sha256), dest);
    await syncDir(path.dirname(dest));
  }

  /** Writes a file atomically (temporary name, fsync, rename, fsync the folder). */
  async writeAtomic(rel: string, data: Buffer): Promise<void> {
    const dest = path.join(this.dir, rel);
    await fsp.mkdir(path.dirname(dest), { recursive: true });
    const tmp = `${dest}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
    const fh = await fsp.open(tmp, 'w');
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fsp.rename(tmp, dest);
    await syncDir(path.dirname(dest));
  }

  /** True when a stored file exists. */
  async exists(rel: string): Promise<boolean> {
    return fsp.access(path.join(this.dir, rel)).then(
      () => true,
      () => false,
    );
  }

  /** A read stream of a stored file and its size, or null when it is missing. */
  async open(rel: string): Promise<{ stream: fs.ReadStream; bytes: number } | null> {
    const full = path.join(this.dir, rel);
    try {
      const { size } = await fsp.stat(full);
      return { stream: fs.createReadStream(full), bytes: size };
    } catch {
      return null;
    }
  }
}

async function syncDir(dir: string): Promise<void> {
  const fh = await fsp.open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
