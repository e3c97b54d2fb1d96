/** In-process fan-out of the workflow's live messages (ticket changes, notifications). */
import { EventEmitter } from 'node:events';
import type { WorkflowLiveMessage } from '../../protocol/workflow.schema.ts';

/** Publishes workflow messages to every subscriber in this process. */
export class WorkflowOutbox {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  /** Sends a message to every subscriber. */
  publish(msg: WorkflowLiveMessage): void {
    this.emitter.emit('msg', msg);
  }

  /** Subscribes; returns the function that unsubscribes. */
  subscribe(fn: (msg: WorkflowLiveMessage) => void): () => void {
    this.emitter.on('msg', fn);
    return () => this.emitter.off('msg', fn);
  }
}
