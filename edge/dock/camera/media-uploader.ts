/**
 * Uploads the spooled images to the hub, oldest first, with the dock's own credentials (HTTP
 * Basic `sn:secret`): announce (`POST /api/v1/media/uploads`), then chunks with `Content-Range`
 * from the offset the hub holds, so an interrupted upload resumes where it stopped. Network
 * errors and 5xx are retried with exponential backoff (with jitter) for as long as it takes;
 * a refusal for good (not an image, too large, bad pose) moves the image to the spool's
 * `rejected/` folder.
 */
import fs from 'node:fs/promises';
import type { Logger } from '../../../common/logger.ts';
import type { MediaUploadReply } from '../../../protocol/media.schema.ts';
import type { MediaSpool, SpooledImage } from './media-spool.ts';

/** Options of the uploader. */
export interface MediaUploaderOptions {
  /** Base URL of the hub, e.g. `http://127.0.0.1:8080`. */
  hubUrl: string;
  sn: string;
  secret: string;
  spool: MediaSpool;
  log: Logger;
  /** Bytes per chunk (default 256 KiB). */
  chunkBytes?: number;
  /** First retry delay and the cap of the exponential backoff, ms (default 500 / 30 000). */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Time limit of one HTTP request, ms (default 30 000). */
  requestTimeoutMs?: number;
}

/** What happened to one image. */
type Outcome = { kind: 'done' } | { kind: 'rejected'; reason: string } | { kind: 'retry'; reason: string };

/** Counters of the uploader. */
export interface UploaderStats {
  delivered: number;
  rejected: number;
  retries: number;
  chunks: number;
}

/** Drains a media spool into the hub. */
export class MediaUploader {
  private running = false;
  private stopped = false;
  private failures = 0;
  private readonly abort = new AbortController();
  private wake: (() => void) | undefined;
  private readonly idleWaiters: Array<() => void> = [];
  /** Counters (tests, diagnostics). */
  readonly stats: UploaderStats = { delivered: 0, rejected: 0, retries: 0, chunks: 0 };

  constructor(private readonly o: MediaUploaderOptions) {}

  /** Starts (or nudges) the upload loop. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) return;
    this.running = true;
    void this.loop().finally(() => {
      this.running = false;
    });
  }

  /** Stops the loop; images left in the spool are uploaded by the next start. */
  stop(): void {
    this.stopped = true;
    this.abort.abort();
    this.wake?.();
  }

  /** Resolves when the spool is empty (or rejects after `timeoutMs`). */
  async idle(timeoutMs = 60_000): Promise<void> {
    if (this.o.spool.size === 0) return;
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`media spool not empty after ${timeoutMs} ms (${this.o.spool.size} left)`)), timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(t);
        resolve();
      });
      this.kick();
    });
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const next = this.o.spool.pending()[0];
      if (!next) break;
      const out = await this.deliver(next).catch((err: Error): Outcome => ({ kind: 'retry', reason: err.message }));
      if (this.stopped) return;
      if (out.kind === 'done') {
        this.o.spool.done(next);
        this.stats.delivered += 1;
        this.failures = 0;
      } else if (out.kind === 'rejected') {
        this.o.log.warn({ sha256: next.sha256, reason: out.reason }, 'hub refused an image; moved to rejected/');
        this.o.spool.reject(next, out.reason);
        this.stats.rejected += 1;
      } else {
        this.stats.retries += 1;
        this.failures += 1;
        const cap = this.o.retryMaxMs ?? 30_000;
        const delay = Math.min(cap, (this.o.retryBaseMs ?? 500) * 2 ** Math.min(this.failures - 1, 16)) * (0.75 + Math.random() * 0.5);
        if (this.failures === 1 || this.failures % 10 === 0) this.o.log.warn({ sha256: next.sha256, reason: out.reason, failures: this.failures, retryInMs: Math.round(delay) }, 'image upload failed; will retry');
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, delay);
          this.wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
        this.wake = undefined;
      }
    }
    if (this.o.spool.size === 0) for (const w of this.idleWaiters.splice(0)) w();
  }

  private async deliver(e: SpooledImage): Promise<Outcome> {
    const announced = await this.request('POST', '/api/v1/media/uploads', JSON.stringify(e.meta), { 'content-type': 'application/json' });
    if (announced.kind === 'conflict' || announced.kind === 'gone') return { kind: 'retry', reason: `announcement answered ${announced.kind}` };
    if (announced.kind !== 'ok') return announced;
    let state = announced.reply;
    if (state.status === 'complete') return { kind: 'done' };
    const bytes = await fs.readFile(e.file);
    const chunk = this.o.chunkBytes ?? 256 * 1024;
    let reannounced = false;
    while (state.status !== 'complete') {
      const start = state.offset;
      const end = Math.min(bytes.length, start + chunk) - 1;
      const res = await this.request('PUT', `/api/v1/media/uploads/${e.sha256}`, bytes.subarray(start, end + 1), {
        'content-type': 'application/octet-stream',
        'content-range': `bytes ${start}-${end}/${bytes.length}`,
      });
      this.stats.chunks += 1;
      if (res.kind === 'ok') {
        state = res.reply;
      } else if (res.kind === 'conflict') {
        state = { ...state, offset: res.offset };
      } else if (res.kind === 'gone' && !reannounced) {
        // the hub lost the announcement (or the bytes did not hash right): announce again
        reannounced = true;
        const again = await this.request('POST', '/api/v1/media/uploads', JSON.stringify(e.meta), { 'content-type': 'application/json' });
        if (again.kind !== 'ok') return again.kind === 'gone' || again.kind === 'conflict' ? { kind: 'retry', reason: 'announcement refused' } : again;
        state = again.reply;
      } else {
        return res.kind === 'gone' ? { kind: 'retry', reason: 'upload state lost' } : res;
      }
    }
    return { kind: 'done' };
  }

  private async request(
    method: string,
    urlPath: string,
    body: string | Buffer,
    headers: Record<string, string>,
  ): Promise<{ kind: 'ok'; reply: MediaUploadReply } | { kind: 'conflict'; offset: number } | { kind: 'gone' } | Exclude<Outcome, { kind: 'done' }>> {
    let res: Response;
    try {
      res = await fetch(new URL(urlPath, this.o.hubUrl), {
        method,
        body: typeof body === 'string' ? body : Uint8Array.from(body),
        headers: { ...headers, authorization: `Basic ${Buffer.from(`${this.o.sn}:${this.o.secret}`).toString('base64')}` },
        signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(this.o.requestTimeoutMs ?? 30_000)]),
      });
    } catch (err) {
      return { kind: 'retry', reason: `hub unreachable: ${(err as Error).message}` };
    }
    const text = await res.text().catch(() => '');
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // not JSON (a proxy's error page)
    }
    if (res.status === 200 || res.status === 201) return { kind: 'ok', reply: json as unknown as MediaUploadReply };
    if (res.status === 409) {
      const offset = Number(res.headers.get('upload-offset') ?? (json.details as { offset?: number } | undefined)?.offset);
      return Number.isFinite(offset) ? { kind: 'conflict', offset } : { kind: 'retry', reason: 'offset conflict without an offset' };
    }
    if (res.status === 404 || res.status === 422) return { kind: 'gone' };
    const reason = `${res.status} ${typeof json.message === 'string' ? json.message : text.slice(0, 200)}`;
    // Refusals for good: the same bytes and metadata will never be accepted.
    if ([400, 403, 413, 415].includes(res.status)) return { kind: 'rejected', reason };
    return { kind: 'retry', reason };
  }
}
