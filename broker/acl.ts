/**
 * Topic access rules (ARCHITECTURE.md, Topics): a device publishes only its own up-channels and
 * subscribes only to its own down-channels; centre services may use the whole `yzg/v1/` tree.
 */
import { parseDeviceTopic, TOPIC_ROOT, type DeviceKind } from '../protocol/topics.ts';

/** Who a connected client is. */
export type ClientIdentity = { type: 'device'; kind: DeviceKind; sn: string } | { type: 'service'; name: string };

/** Why an action was refused, or null when it is allowed. */
export type AclDenial = null | 'not-a-device-topic' | 'other-device' | 'wrong-direction' | 'wildcard' | 'retain-not-allowed' | 'outside-root';

/** May `who` publish on `topic` (with the retain flag)? */
export function checkPublish(who: ClientIdentity, topic: string, retain: boolean): AclDenial {
  if (who.type === 'service') return topic.startsWith(`${TOPIC_ROOT}/`) ? null : 'outside-root';
  const t = parseDeviceTopic(topic);
  if (!t) return 'not-a-device-topic';
  if (t.kind !== who.kind || t.sn !== who.sn) return 'other-device';
  if (t.direction !== 'up') return 'wrong-direction';
  // Only the status channel is retained (online/offline, last will).
  if (retain && t.channel !== 'status') return 'retain-not-allowed';
  return null;
}

/** May `who` subscribe to `filter`? Devices may use no wildcards. */
export function checkSubscribe(who: ClientIdentity, filter: string): AclDenial {
  if (who.type === 'service') return filter.startsWith(`${TOPIC_ROOT}/`) ? null : 'outside-root';
  if (filter.includes('+') || filter.includes('#')) return 'wildcard';
  const t = parseDeviceTopic(filter);
  if (!t) return 'not-a-device-topic';
  if (t.kind !== who.kind || t.sn !== who.sn) return 'other-device';
  if (t.direction !== 'down') return 'wrong-direction';
  return null;
}
