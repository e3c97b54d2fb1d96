/**
 * MQTT topic builders and parser (ARCHITECTURE.md, Topics). Every topic in the code base is
 * built here; no other module writes a topic string by hand.
 */

/** Root of every topic this version of the protocol uses. */
export const TOPIC_ROOT = 'yzg/v1';

/** Kinds of field device that own a topic subtree. */
export const DEVICE_KINDS = ['sensor', 'dock'] as const;
/** A kind of field device. */
export type DeviceKind = (typeof DEVICE_KINDS)[number];

/** Which way a channel flows: `up` device → centre, `down` centre → device. */
export type ChannelDirection = 'up' | 'down';

/** Channels of each device kind and their direction. */
export const CHANNELS = {
  sensor: { telemetry: 'up', status: 'up', config: 'down', ack: 'down' },
  dock: {
    osd: 'up',
    state: 'up',
    events: 'up',
    status: 'up',
    services: 'down',
    services_reply: 'up',
    'mavlink/up': 'up',
    'mavlink/down': 'down',
  },
} as const satisfies Record<DeviceKind, Record<string, ChannelDirection>>;

/** A channel name of a sensor. */
export type SensorChannel = keyof (typeof CHANNELS)['sensor'];
/** A channel name of a dock. */
export type DockChannel = keyof (typeof CHANNELS)['dock'];

/** Serial numbers: letters, digits, dash and underscore, 1–64 characters (no MQTT wildcards). */
export const SERIAL_PATTERN = '^[A-Za-z0-9_-]{1,64}$';
const serialRe = new RegExp(SERIAL_PATTERN);

/** True when `sn` is a valid device serial number. */
export function isValidSerial(sn: string): boolean {
  return serialRe.test(sn);
}

function assertSerial(sn: string): void {
  if (!isValidSerial(sn)) throw new Error(`invalid device serial number: ${JSON.stringify(sn)}`);
}

/** Topic of a sensor channel, e.g. `yzg/v1/sensor/WL-0001/telemetry`. */
export function sensorTopic(sn: string, channel: SensorChannel): string {
  assertSerial(sn);
  return `${TOPIC_ROOT}/sensor/${sn}/${channel}`;
}

/** Topic of a dock channel, e.g. `yzg/v1/dock/DK-0001/osd`. */
export function dockTopic(sn: string, channel: DockChannel): string {
  assertSerial(sn);
  return `${TOPIC_ROOT}/dock/${sn}/${channel}`;
}

/** Subscription filter for one channel of every device of a kind, e.g. `yzg/v1/sensor/+/telemetry`. */
export function allDevicesFilter<K extends DeviceKind>(kind: K, channel: keyof (typeof CHANNELS)[K] & string): string {
  return `${TOPIC_ROOT}/${kind}/+/${channel}`;
}

/** A device topic taken apart. */
export interface DeviceTopic {
  kind: DeviceKind;
  sn: string;
  channel: string;
  direction: ChannelDirection;
}

/**
 * Parses a concrete (wildcard-free) device topic; returns null for anything that is not a
 * known channel of a known device kind with a valid serial number.
 */
export function parseDeviceTopic(topic: string): DeviceTopic | null {
  const prefix = `${TOPIC_ROOT}/`;
  if (!topic.startsWith(prefix)) return null;
  const rest = topic.slice(prefix.length).split('/');
  if (rest.length < 3) return null;
  const [kind, sn, ...channelParts] = rest as [string, string, ...string[]];
  if (!(DEVICE_KINDS as readonly string[]).includes(kind)) return null;
  if (!isValidSerial(sn)) return null;
  const channel = channelParts.join('/');
  const table = CHANNELS[kind as DeviceKind] as Record<string, ChannelDirection>;
  const direction = Object.hasOwn(table, channel) ? table[channel] : undefined;
  if (!direction) return null;
  return { kind: kind as DeviceKind, sn, channel, direction };
}
