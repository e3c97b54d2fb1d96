/** Time source, so that tests can fake time without patching globals. */

/** A source of the current time. */
export interface Clock {
  /** Milliseconds since the epoch. */
  nowMs(): number;
}

/** The system clock. */
export const systemClock: Clock = { nowMs: () => Date.now() };
