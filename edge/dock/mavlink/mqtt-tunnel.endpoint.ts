/**
 * The dock's end of the MQTT MAVLink tunnel: frames to the ground station go out batched in
 * `yzg/v1/dock/{sn}/mavlink/up` (one MQTT message per `flushMs`, QoS 0 — MAVLink has its own
 * retries), frames from it arrive on `…/mavlink/down`.
 */
import type { MqttClient } from 'mqtt';
import { dockTopic } from '../../../protocol/topics.ts';
import type { ByteEndpoint } from './byte-endpoint.ts';

/** Largest batch before an early flush, bytes. */
const MAX_BATCH_BYTES = 16 * 1024;

/** A tunnel endpoint over the dock's connected MQTT client (already subscribed by the agent). */
export function mqttTunnelEndpoint(client: MqttClient, sn: string, flushMs = 50): ByteEndpoint & { deliver(payload: Buffer): void } {
  const up = dockTopic(sn, 'mavlink/up');
  let pending: Buffer[] = [];
  let size = 0;
  let timer: NodeJS.Timeout | undefined;
  let receiver: (b: Buffer) => void = () => undefined;
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    if (!pending.length) return;
    const payload = Buffer.concat(pending);
    pending = [];
    size = 0;
    if (client.connected) client.publish(up, payload, { qos: 0 });
  };
  return {
    send(bytes) {
      pending.push(Buffer.from(bytes));
      size += bytes.byteLength;
      if (size >= MAX_BATCH_BYTES) flush();
      else if (!timer) timer = setTimeout(flush, flushMs);
    },
    onData(fn) {
      receiver = fn;
    },
    /** Hands a `mavlink/down` payload to the receiver (the agent owns the subscription). */
    deliver(payload) {
      receiver(payload);
    },
    async close() {
      flush();
    },
  };
}
