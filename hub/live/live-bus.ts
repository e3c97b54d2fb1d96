/** In-process fan-out of live updates (committed readings, device status) to WebSocket clients. */
import { EventEmitter } from 'node:events';
import type { LiveMessage } from '../../protocol/api.schema.ts';

/** Publishes live messages to every subscriber in this process. */
export class LiveBus {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  /** Sends a message to every subscriber. */
  publish(msg: LiveMessage): void {
    this.emitter.emit('msg', msg);
  }

  /** Subscribes; returns the function that unsubscribes. */
  subscribe(fn: (msg: LiveMessage) => void): () => void {
    this.emitter.on('msg', fn);
    return () => this.emitter.off('msg', fn);
  }

  /** Number of current subscribers. */
  get size(): number {
    return this.emitter.listenerCount('msg');
  }
}
