/**
 * A link wrapper that loses packets like bad radio hardware does: each datagram in each direction
 * is dropped with a probability, decided by a seeded PRNG so a test run is reproducible. `cut()`
 * drops everything (a link failure).
 */
import type { GcsLink } from './link.ts';

/** Deterministic PRNG (mulberry32) returning [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Loss settings, 0–1 per direction. */
export interface LossSettings {
  dropIn: number;
  dropOut: number;
  seed: number;
}

/** A lossy link and its controls. */
export interface LossyLink extends GcsLink {
  /** Drops everything both ways until `restore()`. */
  cut(): void;
  restore(): void;
  setLoss(dropIn: number, dropOut: number): void;
  readonly stats: { inPassed: number; inDropped: number; outPassed: number; outDropped: number };
}

/** Wraps `inner` with packet loss. */
export function lossyLink(inner: GcsLink, loss: LossSettings): LossyLink {
  const rnd = seededRandom(loss.seed);
  let { dropIn, dropOut } = loss;
  let isCut = false;
  const stats = { inPassed: 0, inDropped: 0, outPassed: 0, outDropped: 0 };
  return {
    name: `lossy(${inner.name})`,
    ...(inner.framing ? { framing: inner.framing } : {}),
    stats,
    onData(fn) {
      inner.onData((b, peer) => {
        if (isCut || rnd() < dropIn) {
          stats.inDropped += 1;
          return;
        }
        stats.inPassed += 1;
        fn(b, peer);
      });
    },
    send(bytes, peer) {
      if (isCut || rnd() < dropOut) {
        stats.outDropped += 1;
        return;
      }
      stats.outPassed += 1;
      inner.send(bytes, peer);
    },
    close: () => inner.close(),
    cut() {
      isCut = true;
    },
    restore() {
      isCut = false;
    },
    setLoss(i, o) {
      dropIn = i;
      dropOut = o;
    },
  };
}
