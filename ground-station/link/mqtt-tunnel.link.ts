/**
 * The MQTT tunnel link: MAVLink frames of docks behind NAT travel in `yzg/v1/dock/{sn}/mavlink/up`
 * (dock → centre) and `…/mavlink/down` (centre → dock). The peer is the dock's serial number; the
 * broker's per-device ACL guarantees a dock can only speak for itself.
 */
import type { MqttClient } from 'mqtt';
import { allDevicesFilter, dockTopic, parseDeviceTopic } from '../../protocol/topics.ts';
import type { GcsLink } from './link.ts';

/** Largest tunnel message accepted, bytes. */
export const MAX_TUNNEL_MESSAGE_BYTES = 64 * 1024;

/** Tunnels over an already connected MQTT client (a centre service account). */
export async function mqttTunnelLink(client: MqttClient, opts: { onRejected?: (reason: string) => void } = {}): Promise<GcsLink> {
  let receiver: (b: Buffer, peer: string) => void = () => undefined;
  const filter = allDevicesFilter('dock', 'mavlink/up');
  const onMessage = (topic: string, payload: Buffer) => {
    const t = parseDeviceTopic(topic);
    if (!t || t.kind !== 'dock' || t.channel !== 'mavlink/up') return;
    if (payload.length === 0 || payload.length > MAX_TUNNEL_MESSAGE_BYTES) return opts.onRejected?.('size');
    receiver(payload, t.sn);
  };
  client.on('message', onMessage);
  await client.subscribeAsync(filter, { qos: 0 });
  return {
    name: 'mqtt-tunnel',
    onData(fn) {
      receiver = fn;
    },
    send(bytes, peer) {
      let topic: string;
      try {
        topic = dockTopic(peer, 'mavlink/down');
      } catch {
        return;
      }
      client.publish(topic, Buffer.from(bytes), { qos: 0 });
    },
    async close() {
      client.off('message', onMessage);
      await client.unsubscribeAsync(filter).catch(() => undefined);
    },
  };
}
