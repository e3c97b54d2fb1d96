/** Schemas of the sensing API: alarms, time series, rain mode. */
import Type, { type Static } from 'typebox';

/** Kinds of sensor alarm. */
export const ALARM_KINDS = ['depth', 'offline', 'flatline', 'rainstorm'] as const;

/** Chinese names of the alarm kinds. */
export const ALARM_KIND_NAMES_ZH: Record<(typeof ALARM_KINDS)[number], string> = {
  depth: '积水',
  offline: '传感器离线',
  flatline: '疑似堵塞',
  rainstorm: '暴雨预警',
};

/** An alarm as the API shows it. */
export const AlarmView = Type.Object({
  id: Type.Integer(),
  sourceSn: Type.String(),
  kind: Type.Unsafe<(typeof ALARM_KINDS)[number]>({ type: 'string', enum: [...ALARM_KINDS] }),
  /** 1 notice … 4 severe. */
  level: Type.Integer({ minimum: 1, maximum: 4 }),
  state: Type.Unsafe<'active' | 'acknowledged' | 'cleared'>({ type: 'string', enum: ['active', 'acknowledged', 'cleared'] }),
  title: Type.String(),
  regionCode: Type.String(),
  lat: Type.Union([Type.Number(), Type.Null()]),
  lon: Type.Union([Type.Number(), Type.Null()]),
  raisedAt: Type.String(),
  updatedAt: Type.String(),
  ackedAt: Type.Union([Type.String(), Type.Null()]),
  ackedBy: Type.Union([Type.String(), Type.Null()]),
  clearedAt: Type.Union([Type.String(), Type.Null()]),
  assignee: Type.Union([Type.String(), Type.Null()]),
  details: Type.Record(Type.String(), Type.Unknown()),
  eventId: Type.Union([Type.Integer(), Type.Null()]),
});
/** An alarm. */
export type AlarmView = Static<typeof AlarmView>;

/** One entry of an alarm's history. */
export const AlarmHistoryView = Type.Object({
  at: Type.String(),
  actor: Type.String(),
  action: Type.String(),
  level: Type.Union([Type.Integer(), Type.Null()]),
  note: Type.Union([Type.String(), Type.Null()]),
});

/** Body of `POST /api/v1/alarms/{id}/acknowledge`. */
export const AcknowledgeAlarmBody = Type.Object({ note: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false });

/** Body of `POST /api/v1/alarms/{id}/assign`. */
export const AssignAlarmBody = Type.Object({ assignee: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false });

/** Query of `GET /api/v1/alarms`. */
export const AlarmsQuery = Type.Object(
  {
    state: Type.Optional(Type.Unsafe<'open' | 'all'>({ type: 'string', enum: ['open', 'all'], default: 'open' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })),
  },
  { additionalProperties: false },
);

/** Query of `GET /api/v1/sensors/{sn}/series`. */
export const SeriesQuery = Type.Object(
  {
    from: Type.Optional(Type.String({ format: 'date-time' })),
    to: Type.Optional(Type.String({ format: 'date-time' })),
    /** raw, 1m, 1h or 1d; default chosen from the span. */
    bucket: Type.Optional(Type.Unsafe<'raw' | '1m' | '1h' | '1d'>({ type: 'string', enum: ['raw', '1m', '1h', '1d'] })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 20_000, default: 5000 })),
  },
  { additionalProperties: false },
);

/** One point of a series. */
export const SeriesPointView = Type.Object({
  t: Type.String(),
  n: Type.Integer(),
  depthAvgMm: Type.Union([Type.Number(), Type.Null()]),
  depthMinMm: Type.Union([Type.Number(), Type.Null()]),
  depthMaxMm: Type.Union([Type.Number(), Type.Null()]),
  rainAvgMmPerH: Type.Union([Type.Number(), Type.Null()]),
  rainMaxMmPerH: Type.Union([Type.Number(), Type.Null()]),
});

/** Rain mode of a town. */
export const RainModeView = Type.Object({
  regionCode: Type.String(),
  regionName: Type.String(),
  active: Type.Boolean(),
  source: Type.Unsafe<'signal' | 'manual'>({ type: 'string', enum: ['signal', 'manual'] }),
  /** Rainstorm signal in force: none, yellow, orange, red. */
  signal: Type.String(),
  changedAt: Type.Union([Type.String(), Type.Null()]),
  /** Largest 3-hour rain of the town's gauges, mm. */
  rain3hMm: Type.Number(),
});
/** Rain mode of a town. */
export type RainModeView = Static<typeof RainModeView>;

/** Body of `PUT /api/v1/rain-mode/{regionCode}` (duty officer's switch). */
export const SetRainModeBody = Type.Object({ active: Type.Boolean() }, { additionalProperties: false });

/** Live messages of sensing. */
export type SensingLiveMessage = { type: 'alarm'; alarm: AlarmView } | { type: 'rain-mode'; rainMode: RainModeView };
