/** A queue of one vehicle's messages that match a filter, read with a timeout (no message is missed between reads). */
import type { GroundStation, Vehicle } from '../core/ground-station.ts';
import type { MavMessage } from '../../common/mavlink/mavlink-codec.ts';

/** Collects matching messages from the moment it is created until `close()`. */
export class MessageQueue {
  private readonly items: MavMessage[] = [];
  private wake: (() => void) | undefined;
  private readonly listener: (v: Vehicle, m: MavMessage) => void;

  constructor(
    private readonly gcs: GroundStation,
    sysId: number,
    match: (m: MavMessage) => boolean,
  ) {
    this.listener = (v, m) => {
      if (v.sysId !== sysId || !match(m)) return;
      this.items.push(m);
      this.wake?.();
    };
    gcs.on('message', this.listener);
  }

  /** The next message, or undefined after `timeoutMs`. */
  async next(timeoutMs: number): Promise<MavMessage | undefined> {
    if (this.items.length) return this.items.shift();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, timeoutMs);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
    });
    return this.items.shift();
  }

  /** Stops collecting. */
  close(): void {
    this.gcs.off('message', this.listener);
  }
}
