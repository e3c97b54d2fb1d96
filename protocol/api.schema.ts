/** Schemas of the hub's HTTP API bodies and replies, and of its live WebSocket messages. */
import Type, { type Static } from 'typebox';
import { ROLES, type Role } from './roles.ts';
import { SERIAL_PATTERN, DEVICE_KINDS, type DeviceKind } from './topics.ts';
import { SensorReading } from './sensor.schema.ts';
import type { DockLiveMessage } from './dock.schema.ts';
import type { SensingLiveMessage } from './sensing.schema.ts';
import type { WorkflowLiveMessage } from './workflow.schema.ts';
import type { TaskLiveMessage } from './task.schema.ts';

/** The reply to every refused request: a stable code, a message and optional details. */
export const ErrorReply = Type.Object({
  statusCode: Type.Integer(),
  code: Type.String(),
  error: Type.String(),
  message: Type.String(),
  details: Type.Optional(Type.Unknown()),
});
/** The reply to every refused request. */
export type ErrorReply = Static<typeof ErrorReply>;

/** A role name. */
export const RoleSchema = Type.Unsafe<Role>({ type: 'string', enum: [...ROLES] });

/** Body of `POST /api/v1/auth/login`. */
export const LoginBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 256 }),
  },
  { additionalProperties: false },
);
/** Body of a login. */
export type LoginBody = Static<typeof LoginBody>;

/** A signed-in person as the API shows them. */
export const UserView = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  displayName: Type.String(),
  role: RoleSchema,
  regionCode: Type.String(),
});
/** A signed-in person. */
export type UserView = Static<typeof UserView>;

/** Reply of a login: a bearer token and who it belongs to. */
export const LoginReply = Type.Object({
  token: Type.String(),
  /** Seconds until the token expires. */
  expiresInS: Type.Integer(),
  user: UserView,
});
/** Reply of a login. */
export type LoginReply = Static<typeof LoginReply>;

/** Latest known reading of a sensor, with the time the hub received it. */
export const LatestReading = Type.Object({ ...SensorReading.properties, receivedAt: Type.String() });

/** A sensor as listed by `GET /api/v1/sensors`. */
export const SensorView = Type.Object({
  sn: Type.String(),
  name: Type.String(),
  lat: Type.Number(),
  lon: Type.Number(),
  regionCode: Type.String(),
  regionName: Type.String(),
  online: Type.Boolean(),
  latest: Type.Union([LatestReading, Type.Null()]),
});
/** A sensor as listed by the API. */
export type SensorView = Static<typeof SensorView>;

/** Body of `POST /api/v1/devices` (admin): register a device; the reply carries its secret once. */
export const CreateDeviceBody = Type.Object(
  {
    sn: Type.String({ pattern: SERIAL_PATTERN }),
    kind: Type.Unsafe<DeviceKind>({ type: 'string', enum: [...DEVICE_KINDS] }),
    name: Type.String({ minLength: 1, maxLength: 120 }),
    lat: Type.Number({ minimum: -90, maximum: 90 }),
    lon: Type.Number({ minimum: -180, maximum: 180 }),
    regionCode: Type.String({ pattern: '^[0-9]{2,15}$' }),
  },
  { additionalProperties: false },
);
/** Body of a device registration. */
export type CreateDeviceBody = Static<typeof CreateDeviceBody>;

/** Reply of a device registration: the device and its MQTT secret (shown once, stored hashed). */
export const CreateDeviceReply = Type.Object({
  sn: Type.String(),
  kind: Type.String(),
  secret: Type.String(),
});

/** Query of `GET /api/v1/sensors/{sn}/readings`. */
export const ReadingsQuery = Type.Object(
  {
    from: Type.Optional(Type.String({ format: 'date-time' })),
    to: Type.Optional(Type.String({ format: 'date-time' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, default: 500 })),
  },
  { additionalProperties: false },
);
/** Query of a readings request. */
export type ReadingsQuery = Static<typeof ReadingsQuery>;

/** Most readings in one `readings` live message. */
export const LIVE_READINGS_MAX = 500;

/** Messages the hub pushes on the live WebSocket `GET /api/v1/live`. */
export type LiveMessage =
  | DockLiveMessage
  | { type: 'hello'; user: string; serverTime: string }
  /**
   * Readings committed together (one write of the hub, at most `LIVE_READINGS_MAX`), in one
   * message: at thousands of readings a second a frame per reading costs the hub and the screens
   * more than the readings themselves.
   */
  | { type: 'readings'; receivedAt: string; readings: Array<SensorReading & { sn: string }> }
  | { type: 'status'; sn: string; online: boolean; ts: string }
  | SensingLiveMessage
  | WorkflowLiveMessage
  | TaskLiveMessage;
