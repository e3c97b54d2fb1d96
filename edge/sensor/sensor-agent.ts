/**
 * The waterlogging sensor agent: connects with the device's own credentials, announces itself
 * online (retained) with an offline last will, follows its retained config (sampling interval, rain
 * mode), samples its adapter, and sends numbered readings at QoS 1 in batches. Every reading is
 * journalled first (store-and-forward) and stays queued until the hub acknowledges it is in the
 * database; unacknowledged readings are sent again after a reconnect or a timeout, in order.
 */
import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from '../../common/logger.ts';
import { sensorTopic } from '../../protocol/topics.ts';
import { SensorAck, SensorConfig, type DeviceStatus, type SensorReading, type SensorTelemetry } from '../../protocol/sensor.schema.ts';
import { parseJsonPayload, validator } from '../../protocol/validate.ts';
import { ReadingSpool } from './reading-spool.ts';
import type { SensorAdapter } from './adapters/adapter.ts';

const configV = validator(SensorConfig);
const ackV = validator(SensorAck);

/** Version string the agent reports. */
export const AGENT_VERSION = 'yzg-sensor-agent/0.2';

/** Options of one agent. */
export interface SensorAgentOptions {
  sn: string;
  secret: string;
  brokerUrl: string;
  /** Sampling interval until the hub's config says otherwise, milliseconds. */
  intervalMs: number;
  /** Folder of the agent's journal and state. */
  stateDir: string;
  adapter: SensorAdapter;
  log: Logger;
  /** Largest number of readings in one message. */
  batchMax?: number;
  /** A sent reading not acknowledged within this time is sent again, milliseconds. */
  ackTimeoutMs?: number;
  /** Sample on the agent's own timer (default); false when a test drives `tick()` on a fake clock. */
  autoSample?: boolean;
  now?: () => number;
}

/** A running sensor agent. */
export class SensorAgent {
  private client: MqttClient | undefined;
  private timer: NodeJS.Timeout | undefined;
  private resendTimer: NodeJS.Timeout | undefined;
  private intervalMs: number;
  private readonly spool: ReadingSpool;
  private readonly sentAt = new Map<number, number>();
  private readonly now: () => number;
  private readonly batchMax: number;
  private readonly ackTimeoutMs: number;
  private sampling = false;
  /** Counters since start. */
  readonly stats = { sampled: 0, sent: 0, acked: 0, resent: 0 };

  constructor(private readonly opts: SensorAgentOptions) {
    this.now = opts.now ?? Date.now;
    this.intervalMs = opts.intervalMs;
    this.batchMax = opts.batchMax ?? 100;
    this.ackTimeoutMs = opts.ackTimeoutMs ?? 15_000;
    this.spool = new ReadingSpool(opts.stateDir, opts.sn);
  }

  /** Readings waiting for the hub's acknowledgement. */
  get backlog(): number {
    return this.spool.unacked().length;
  }

  /** The sampling interval in force, milliseconds. */
  get currentIntervalMs(): number {
    return this.intervalMs;
  }

  /**
   * Starts sampling at once (readings are journalled even while the broker is unreachable),
   * connects, and resends what an earlier run left unacknowledged. Resolves on the first
   * connection, or at once with `waitForConnection: false`.
   */
  async start(opts: { waitForConnection?: boolean } = {}): Promise<void> {
    const { sn, log } = this.opts;
    const offline: DeviceStatus = { state: 'offline', version: AGENT_VERSION };
    this.client = mqtt.connect(this.opts.brokerUrl, {
      username: sn,
      password: this.opts.secret,
      clientId: `sensor-${sn}`,
      protocolVersion: 4,
      clean: true,
      reconnectPeriod: 1000,
      connectTimeout: 5000,
      // Only what the journal holds is sent: mqtt.js must not queue a second copy while offline.
      queueQoSZero: false,
      will: { topic: sensorTopic(sn, 'status'), payload: Buffer.from(JSON.stringify(offline)), qos: 1, retain: true },
    });
    const client = this.client;
    client.on('error', (err) => log.warn({ sn, err: err.message }, 'sensor mqtt error'));
    client.on('connect', () => {
      const online: DeviceStatus = { state: 'online', ts: new Date(this.now()).toISOString(), version: AGENT_VERSION };
      client.publish(sensorTopic(sn, 'status'), JSON.stringify(online), { qos: 1, retain: true });
      client.subscribe([sensorTopic(sn, 'config'), sensorTopic(sn, 'ack')], { qos: 1 });
      // Anything sent over the old connection may be gone: send every unacknowledged reading again.
      this.sentAt.clear();
      this.flush();
    });
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
    this.reschedule();
    this.resendTimer = setInterval(() => this.flush(), Math.max(1000, Math.floor(this.ackTimeoutMs / 3)));
    if (opts.waitForConnection === false) return;
    // Connection errors are retried by mqtt.js; only a stop ends the wait.
    await new Promise<void>((resolve) => {
      client.once('connect', () => resolve());
      client.once('end', () => resolve());
    });
  }

  private onMessage(topic: string, payload: Buffer): void {
    const { sn, log } = this.opts;
    if (payload.length === 0) return;
    if (topic === sensorTopic(sn, 'ack')) {
      const v = parseJsonPayload(payload, ackV);
      if (!v.ok) return log.warn({ sn, errors: v.errors }, 'ignoring invalid ack');
      const removed = this.spool.ack(v.value.seqs);
      for (const [from, to] of v.value.seqs) for (let s = from; s <= to && s - from < 100_000; s++) this.sentAt.delete(s);
      this.stats.acked += removed;
      return;
    }
    if (topic === sensorTopic(sn, 'config')) {
      const v = parseJsonPayload(payload, configV);
      if (!v.ok) return log.warn({ sn, errors: v.errors }, 'ignoring invalid config');
      const next = v.value.sampleIntervalS * 1000;
      if (next !== this.intervalMs) {
        log.info({ sn, intervalMs: next, rainMode: v.value.rainMode }, 'sampling interval changed');
        this.intervalMs = next;
        this.reschedule();
      }
    }
  }

  private reschedule(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.opts.autoSample === false) return;
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
  }

  /** Takes one sample, journals it and sends what is due (also called by the interval timer). */
  async tick(): Promise<SensorReading | undefined> {
    if (this.sampling) return undefined; // a slow adapter: skip rather than pile up
    this.sampling = true;
    try {
      const s = await this.opts.adapter.read(this.now());
      const reading = this.spool.append({ ts: new Date(this.now()).toISOString(), ...s });
      this.stats.sampled += 1;
      this.flush();
      return reading;
    } catch (err) {
      this.opts.log.warn({ sn: this.opts.sn, err: (err as Error).message }, 'sensor read failed');
      return undefined;
    } finally {
      this.sampling = false;
    }
  }

  /** Sends unacknowledged readings that were never sent or whose acknowledgement is overdue. */
  flush(): void {
    const client = this.client;
    if (!client?.connected) return;
    const now = this.now();
    const due = this.spool.unacked().filter((r) => {
      const t = this.sentAt.get(r.seq);
      return t === undefined || now - t > this.ackTimeoutMs;
    });
    for (let i = 0; i < due.length; i += this.batchMax) {
      const batch = due.slice(i, i + this.batchMax);
      for (const r of batch) {
        if (this.sentAt.has(r.seq)) this.stats.resent += 1;
        this.sentAt.set(r.seq, now);
      }
      const msg: SensorTelemetry = { readings: batch };
      client.publish(sensorTopic(this.opts.sn, 'telemetry'), JSON.stringify(msg), { qos: 1 });
      this.stats.sent += batch.length;
    }
  }

  /** Stops sampling and disconnects cleanly (announcing offline); the journal keeps the backlog. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.resendTimer) clearInterval(this.resendTimer);
    const client = this.client;
    if (!client) return;
    if (client.connected) {
      const offline: DeviceStatus = { state: 'offline', ts: new Date(this.now()).toISOString(), version: AGENT_VERSION };
      await client.publishAsync(sensorTopic(this.opts.sn, 'status'), JSON.stringify(offline), { qos: 1, retain: true }).catch(() => undefined);
    }
    await client.endAsync(true);
  }
}
