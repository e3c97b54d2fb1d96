/** Wire schemas of the waterlogging sensor's MQTT payloads. */
import Type, { type Static } from 'typebox';

/** One sample of a waterlogging sensor. */
export const SensorReading = Type.Object(
  {
    /** Per-device sequence number, increasing by one per reading; replays are idempotent on it. */
    seq: Type.Integer({ minimum: 0, maximum: 2 ** 53 - 1 }),
    /** Time of measurement (RFC 3339). */
    ts: Type.String({ format: 'date-time', maxLength: 40 }),
    /** Water depth above the road surface, millimetres. */
    depthMm: Type.Number({ minimum: 0, maximum: 10_000 }),
    /** Rain intensity at the spot, millimetres per hour (sensors with a rain gauge). */
    rainMmPerH: Type.Optional(Type.Number({ minimum: 0, maximum: 500 })),
    /** Battery charge, percent. */
    batteryPct: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
    /** Radio signal strength, dBm. */
    rssiDbm: Type.Optional(Type.Number({ minimum: -150, maximum: 0 })),
  },
  { additionalProperties: false },
);
/** One sample of a waterlogging sensor. */
export type SensorReading = Static<typeof SensorReading>;

/** Largest number of readings in one telemetry message. */
export const MAX_READINGS_PER_MESSAGE = 500;

/** Payload of `yzg/v1/sensor/{sn}/telemetry` (QoS 1): one reading or a batch. */
export const SensorTelemetry = Type.Object(
  {
    readings: Type.Array(SensorReading, { minItems: 1, maxItems: MAX_READINGS_PER_MESSAGE }),
  },
  { additionalProperties: false },
);
/** Payload of `yzg/v1/sensor/{sn}/telemetry`. */
export type SensorTelemetry = Static<typeof SensorTelemetry>;

/** Payload of `yzg/v1/sensor/{sn}/status` (retained; `offline` is the last will). */
export const DeviceStatus = Type.Object(
  {
    state: Type.Union([Type.Literal('online'), Type.Literal('offline')]),
    /** Time the status was set; a last will carries the time it was registered. */
    ts: Type.Optional(Type.String({ format: 'date-time', maxLength: 40 })),
    /** Firmware or agent version. */
    version: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);
/** Payload of a device status topic. */
export type DeviceStatus = Static<typeof DeviceStatus>;

/** Payload of `yzg/v1/sensor/{sn}/config` (retained, hub → sensor): the desired configuration. */
export const SensorConfig = Type.Object(
  {
    /** Sampling interval, seconds. */
    sampleIntervalS: Type.Integer({ minimum: 1, maximum: 3600 }),
    /** Rain mode: the hub raised the sampling rate for a storm. */
    rainMode: Type.Boolean(),
  },
  { additionalProperties: false },
);
/** Payload of a sensor config topic. */
export type SensorConfig = Static<typeof SensorConfig>;

/** An inclusive range of sequence numbers `[from, to]`. */
export const SeqRange = Type.Tuple([Type.Integer({ minimum: 0 }), Type.Integer({ minimum: 0 })]);

/**
 * Payload of `yzg/v1/sensor/{sn}/ack` (hub → sensor, QoS 1): the readings now safely in the
 * database (inserted, or already there). The sensor keeps every reading in its store-and-forward
 * queue until it is acknowledged here, so nothing is lost to a broker or hub restart.
 */
export const SensorAck = Type.Object(
  {
    seqs: Type.Array(SeqRange, { minItems: 1, maxItems: 10_000 }),
  },
  { additionalProperties: false },
);
/** Payload of a sensor ack topic. */
export type SensorAck = Static<typeof SensorAck>;

/** Compresses sequence numbers into sorted inclusive ranges. */
export function toSeqRanges(seqs: Iterable<number>): Array<[number, number]> {
  const sorted = [...new Set(seqs)].sort((a, b) => a - b);
  const out: Array<[number, number]> = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s === last[1] + 1) last[1] = s;
    else out.push([s, s]);
  }
  return out;
}
