/**
 * The hub's MQTT consumer: subscribes (QoS 1, persistent session) to every sensor's telemetry and
 * status, validates each payload against its `protocol/` schema, and hands valid readings to the
 * writer. A message is acknowledged to the broker only once its readings are buffered, so a full
 * buffer slows the broker instead of losing data. Invalid payloads are logged, counted, dropped.
 */
import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from '../../common/logger.ts';
import { Counter, metricOnce, type Registry } from '../../common/metrics.ts';
import { allDevicesFilter, parseDeviceTopic, sensorTopic } from '../../protocol/topics.ts';
import { DeviceStatus, SensorTelemetry, toSeqRanges, type SensorAck } from '../../protocol/sensor.schema.ts';
import type { SensorReadingRow } from '../repositories/reading.repository.ts';
import { parseJsonPayload, validator } from '../../protocol/validate.ts';
import type { ReadingWriter } from './reading-writer.ts';

const telemetryV = validator(SensorTelemetry);
const statusV = validator(DeviceStatus);

/** Options of the consumer. */
export interface MqttIngestOptions {
  url: string;
  username: string;
  password: string;
  /** MQTT client id; one per hub node so its persistent session survives reconnects. */
  clientId: string;
  writer: Pick<ReadingWriter, 'enqueue'>;
  /** Records a device's online state. */
  onStatus: (sn: string, online: boolean, at: Date) => Promise<void>;
  log: Logger;
  registry: Registry;
}

/** A running consumer. */
export interface MqttIngest {
  client: MqttClient;
  isConnected(): boolean;
  /** Tells each device which of its readings are now in the database (`…/ack`, QoS 1). */
  acknowledge(rows: readonly SensorReadingRow[]): void;
  close(): Promise<void>;
}

/** Why a message was dropped. */
export type RejectReason = 'bad-topic' | 'bad-payload';

/** Connects and starts consuming. Resolves after the first successful subscription. */
export async function startMqttIngest(opts: MqttIngestOptions): Promise<MqttIngest> {
  const log = opts.log.child({ module: 'mqtt-ingest' });
  const r = opts.registry;
  const rejected = metricOnce(r, 'yzg_mqtt_rejected_total', () => new Counter({ name: 'yzg_mqtt_rejected_total', help: 'MQTT messages dropped as invalid', labelNames: ['channel', 'reason'], registers: [r] }));
  const messages = metricOnce(r, 'yzg_mqtt_messages_total', () => new Counter({ name: 'yzg_mqtt_messages_total', help: 'MQTT messages consumed by channel', labelNames: ['channel'], registers: [r] }));

  const reject = (channel: string, reason: RejectReason, topic: string, errors: string[]) => {
    rejected.inc({ channel, reason });
    log.warn({ topic, reason, errors }, 'mqtt message rejected');
  };

  const handle = async (topic: string, payload: Buffer): Promise<void> => {
    const t = parseDeviceTopic(topic);
    if (!t || t.kind !== 'sensor') return reject('unknown', 'bad-topic', topic, ['not a sensor topic']);
    messages.inc({ channel: t.channel });
    if (t.channel === 'telemetry') {
      const v = parseJsonPayload(payload, telemetryV);
      if (!v.ok) return reject(t.channel, 'bad-payload', topic, v.errors);
      await opts.writer.enqueue(v.value.readings.map((rd) => ({ ...rd, sn: t.sn })));
    } else if (t.channel === 'status') {
      if (payload.length === 0) return; // a cleared retained message
      const v = parseJsonPayload(payload, statusV);
      if (!v.ok) return reject(t.channel, 'bad-payload', topic, v.errors);
      await opts.onStatus(t.sn, v.value.state === 'online', v.value.ts ? new Date(v.value.ts) : new Date());
    }
  };

  const client = mqtt.connect(opts.url, {
    username: opts.username,
    password: opts.password,
    clientId: opts.clientId,
    protocolVersion: 4,
    clean: false,
    reconnectPeriod: 1000,
    connectTimeout: 10_000,
  });
  // Acknowledge (PUBACK) only after the handler has buffered the readings.
  client.handleMessage = (packet, done) => {
    handle(packet.topic, packet.payload as Buffer).then(
      () => done(),
      (err: Error) => {
        log.error({ err: err.message, topic: packet.topic }, 'mqtt message handling failed');
        done();
      },
    );
  };
  client.on('error', (err) => log.warn({ err: err.message }, 'mqtt ingest client error'));
  client.on('offline', () => log.warn('mqtt ingest offline; reconnecting'));

  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => {
      client.end(true);
      reject(err);
    };
    client.once('error', onError);
    client.once('connect', (connack) => {
      client.off('error', onError);
      if (connack.sessionPresent) return resolve();
      client
        .subscribeAsync([allDevicesFilter('sensor', 'telemetry'), allDevicesFilter('sensor', 'status')], { qos: 1 })
        .then(() => resolve(), reject);
    });
  });
  // On a reconnect without a session (broker restarted), subscribe again.
  client.on('connect', (connack) => {
    if (!connack.sessionPresent) {
      client.subscribe([allDevicesFilter('sensor', 'telemetry'), allDevicesFilter('sensor', 'status')], { qos: 1 });
    }
  });
  log.info({ url: opts.url }, 'mqtt ingest subscribed');

  return {
    client,
    isConnected: () => client.connected,
    acknowledge(rows) {
      const bySn = new Map<string, number[]>();
      for (const r of rows) {
        const list = bySn.get(r.sn);
        if (list) list.push(r.seq);
        else bySn.set(r.sn, [r.seq]);
      }
      for (const [sn, seqs] of bySn) {
        const ack: SensorAck = { seqs: toSeqRanges(seqs) };
        // If this is lost, the device sends the readings again and they are acknowledged as duplicates.
        client.publish(sensorTopic(sn, 'ack'), JSON.stringify(ack), { qos: 1 });
      }
    },
    close: () => client.endAsync(),
  };
}
