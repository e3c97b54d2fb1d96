/**
 * The waterlogging sensor agent: connects with the device's own credentials, announces itself
 * online (retained) with an offline last will, follows its retained config (sampling interval, rain
 * mode), and publishes numbered readings at QoS 1. The sequence number survives restarts.
 */
import fs from 'node:fs';
import path from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from '../../common/logger.ts';
import { sensorTopic } from '../../protocol/topics.ts';
import { SensorConfig, type DeviceStatus, type SensorReading, type SensorTelemetry } from '../../protocol/sensor.schema.ts';
import { parseJsonPayload, validator } from '../../protocol/validate.ts';
import type { ReadingSource } from './sim-source.ts';

const configV = validator(SensorConfig);

/** Version string the agent reports. */
export const AGENT_VERSION = 'yzg-sensor-agent/0.1';

/** Options of one agent. */
export interface SensorAgentOptions {
  sn: string;
  secret: string;
  brokerUrl: string;
  /** Sampling interval until the hub's config says otherwise, milliseconds. */
  intervalMs: number;
  /** Folder for the agent's persistent state (its sequence number). */
  stateDir: string;
  source: ReadingSource;
  log: Logger;
  now?: () => number;
}

/** A running sensor agent. */
export class SensorAgent {
  private client: MqttClient | undefined;
  private timer: NodeJS.Timeout | undefined;
  private seq: number;
  private intervalMs: number;
  private readonly stateFile: string;
  private readonly now: () => number;
  /** Readings published so far (this process). */
  published = 0;

  constructor(private readonly opts: SensorAgentOptions) {
    this.now = opts.now ?? Date.now;
    this.intervalMs = opts.intervalMs;
    this.stateFile = path.join(opts.stateDir, `${opts.sn}.json`);
    this.seq = this.loadSeq();
  }

  private loadSeq(): number {
    try {
      const s = JSON.parse(fs.readFileSync(this.stateFile, 'utf8')) as { nextSeq?: unknown };
      return typeof s.nextSeq === 'number' && Number.isSafeInteger(s.nextSeq) ? s.nextSeq : 0;
    } catch {
      return 0;
    }
  }

  private saveSeq(): void {
    fs.mkdirSync(this.opts.stateDir, { recursive: true });
    const tmp = `${this.stateFile}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify({ nextSeq: this.seq }));
    fs.renameSync(tmp, this.stateFile);
  }

  /** Connects and starts sampling. Resolves once connected. */
  async start(): Promise<void> {
    const { sn, log } = this.opts;
    const offline: DeviceStatus = { state: 'offline', ts: new Date(this.now()).toISOString(), version: AGENT_VERSION };
    this.client = mqtt.connect(this.opts.brokerUrl, {
      username: sn,
      password: this.opts.secret,
      clientId: `sensor-${sn}`,
      protocolVersion: 4,
      clean: true,
      reconnectPeriod: 2000,
      will: { topic: sensorTopic(sn, 'status'), payload: Buffer.from(JSON.stringify(offline)), qos: 1, retain: true },
    });
    const client = this.client;
    client.on('error', (err) => log.warn({ sn, err: err.message }, 'sensor mqtt error'));
    client.on('connect', () => {
      const online: DeviceStatus = { state: 'online', ts: new Date(this.now()).toISOString(), version: AGENT_VERSION };
      client.publish(sensorTopic(sn, 'status'), JSON.stringify(online), { qos: 1, retain: true });
      client.subscribe(sensorTopic(sn, 'config'), { qos: 1 });
    });
    client.on('message', (topic, payload) => {
      if (topic !== sensorTopic(sn, 'config') || payload.length === 0) return;
      const v = parseJsonPayload(payload, configV);
      if (!v.ok) return log.warn({ sn, errors: v.errors }, 'ignoring invalid config');
      const next = v.value.sampleIntervalS * 1000;
      if (next !== this.intervalMs) {
        log.info({ sn, intervalMs: next, rainMode: v.value.rainMode }, 'sampling interval changed');
        this.intervalMs = next;
        this.reschedule();
      }
    });
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
    });
    this.reschedule();
  }

  private reschedule(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = setInterval(() => this.tick(), this.intervalMs);
  }

  /** Takes one sample and publishes it (also called by the interval timer). */
  tick(): SensorReading {
    const s = this.opts.source.sample(this.now());
    const reading: SensorReading = { seq: this.seq, ts: new Date(this.now()).toISOString(), ...s };
    this.seq += 1;
    this.saveSeq();
    const msg: SensorTelemetry = { readings: [reading] };
    this.client?.publish(sensorTopic(this.opts.sn, 'telemetry'), JSON.stringify(msg), { qos: 1 });
    this.published += 1;
    return reading;
  }

  /** Stops sampling and disconnects cleanly (announcing offline). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    const client = this.client;
    if (!client) return;
    if (client.connected) {
      const offline: DeviceStatus = { state: 'offline', ts: new Date(this.now()).toISOString(), version: AGENT_VERSION };
      await client.publishAsync(sensorTopic(this.opts.sn, 'status'), JSON.stringify(offline), { qos: 1, retain: true }).catch(() => undefined);
    }
    await client.endAsync();
  }
}
