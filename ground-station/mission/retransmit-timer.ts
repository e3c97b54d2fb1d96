/**
 * Retransmission timeout from measured round trips (RFC 6298: smoothed RTT plus four deviations,
 * doubled on each timeout, Karn's rule of sampling only messages that were not resent). Lets a
 * transfer resend after tens of milliseconds on a fast link and wait seconds on a slow radio.
 */

/** An adaptive retransmission timer. */
export class RetransmitTimer {
  private srttMs: number | undefined;
  private rttvarMs = 0;
  private rto: number;

  constructor(
    initialMs: number,
    private readonly minMs = 20,
    private readonly maxMs = 3000,
  ) {
    this.rto = Math.min(maxMs, Math.max(minMs, initialMs));
  }

  /** The current timeout, ms. */
  get rtoMs(): number {
    return this.rto;
  }

  /** Takes a round trip of a message that was sent once, ms. */
  sample(rttMs: number): void {
    if (this.srttMs === undefined) {
      this.srttMs = rttMs;
      this.rttvarMs = rttMs / 2;
    } else {
      this.rttvarMs = 0.75 * this.rttvarMs + 0.25 * Math.abs(this.srttMs - rttMs);
      this.srttMs = 0.875 * this.srttMs + 0.125 * rttMs;
    }
    this.rto = Math.min(this.maxMs, Math.max(this.minMs, this.srttMs + 4 * this.rttvarMs));
  }

  /** Doubles the timeout after a loss. */
  backoff(): void {
    this.rto = Math.min(this.maxMs, this.rto * 2);
  }
}
