/**
 * Wire contracts of a drone dock (机库): MQTT payloads of `yzg/v1/dock/{sn}/…` (osd, state, events,
 * services, services_reply) and the operator API's bodies and views. The MAVLink tunnel channels
 * (`mavlink/up|down`) carry raw MAVLink 2 frames, validated by the MAVLink parser (CRC), not here.
 */
import Type, { type Static } from 'typebox';
import { SERIAL_PATTERN } from './topics.ts';
import { CommandResult, VehicleTelemetry, type CommandOutcome, type VehicleAlarm } from './vehicle.schema.ts';

/** States of the dock's state machine. */
export const DOCK_STATES = ['idle', 'lid-opening', 'launching', 'in-flight', 'landing', 'charging', 'fault'] as const;
/** A state of the dock. */
export type DockStateName = (typeof DOCK_STATES)[number];

/** Chinese labels of the dock states. */
export const DOCK_STATE_LABELS_ZH: Record<DockStateName, string> = {
  idle: '待机',
  'lid-opening': '舱盖开启中',
  launching: '起飞中',
  'in-flight': '飞行中',
  landing: '降落中',
  charging: '充电中',
  fault: '故障',
};

const Ts = Type.String({ format: 'date-time', maxLength: 40 });
const DockState = Type.Unsafe<DockStateName>({ type: 'string', enum: [...DOCK_STATES] });

/** Weather at the dock's station. */
export const DockWeather = Type.Object(
  {
    windMps: Type.Number({ minimum: 0, maximum: 100 }),
    /** Direction the wind blows from, degrees. */
    windFromDeg: Type.Number({ minimum: 0, maximum: 360 }),
    rainMmPerH: Type.Number({ minimum: 0, maximum: 500 }),
    temperatureC: Type.Number({ minimum: -60, maximum: 80 }),
  },
  { additionalProperties: false },
);
/** Weather at the dock. */
export type DockWeather = Static<typeof DockWeather>;

/** Payload of `yzg/v1/dock/{sn}/osd` (periodic, 0.5 Hz as DJI docks). */
export const DockOsd = Type.Object(
  {
    ts: Ts,
    state: DockState,
    weather: DockWeather,
    lidOpen: Type.Boolean(),
    /** Charge of the drone in the dock, percent (when known). */
    droneBatteryPct: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
    /** MAVLink system id of the dock's drone. */
    droneSysId: Type.Integer({ minimum: 1, maximum: 255 }),
    /** Whether the dock's link to its autopilot is alive. */
    autopilotLinked: Type.Boolean(),
  },
  { additionalProperties: false },
);
/** Payload of a dock's osd channel. */
export type DockOsd = Static<typeof DockOsd>;

/** Payload of `yzg/v1/dock/{sn}/state` (on change). */
export const DockStateMsg = Type.Object(
  {
    ts: Ts,
    state: DockState,
    previous: Type.Optional(DockState),
    /** Why the state changed, for people. */
    reason: Type.Optional(Type.String({ maxLength: 200 })),
    droneSysId: Type.Integer({ minimum: 1, maximum: 255 }),
    lat: Type.Number({ minimum: -90, maximum: 90 }),
    lon: Type.Number({ minimum: -180, maximum: 180 }),
  },
  { additionalProperties: false },
);
/** Payload of a dock's state channel. */
export type DockStateMsg = Static<typeof DockStateMsg>;

/** Levels of a health alarm (DJI HMS: notice, caution, warning). */
export const HMS_LEVELS = ['notice', 'caution', 'warning'] as const;

/** One health alarm of the dock or its drone. */
export const HealthAlarm = Type.Object(
  {
    /** Stable code, e.g. `dock.wind-over-limit`, `drone.battery-low`. */
    code: Type.String({ pattern: '^[a-z0-9.-]{1,64}$' }),
    level: Type.Unsafe<(typeof HMS_LEVELS)[number]>({ type: 'string', enum: [...HMS_LEVELS] }),
    /** Message for people, Chinese first. */
    message: Type.String({ maxLength: 200 }),
    since: Ts,
  },
  { additionalProperties: false },
);
/** One health alarm. */
export type HealthAlarm = Static<typeof HealthAlarm>;

/**
 * Payload of `yzg/v1/dock/{sn}/events`: the full list of active health alarms (resent
 * periodically; an alarm absent from the list is cleared) or a task-progress notice.
 */
export const DockEvent = Type.Union([
  Type.Object({ type: Type.Literal('hms'), ts: Ts, alarms: Type.Array(HealthAlarm, { maxItems: 64 }) }, { additionalProperties: false }),
  Type.Object(
    {
      type: Type.Literal('task-progress'),
      ts: Ts,
      taskId: Type.String({ maxLength: 64 }),
      status: Type.Unsafe<'sent' | 'in-progress' | 'paused' | 'ok' | 'rejected' | 'failed' | 'canceled' | 'timeout'>({
        type: 'string',
        enum: ['sent', 'in-progress', 'paused', 'ok', 'rejected', 'failed', 'canceled', 'timeout'],
      }),
      message: Type.Optional(Type.String({ maxLength: 200 })),
    },
    { additionalProperties: false },
  ),
]);
/** Payload of a dock's events channel. */
export type DockEvent = Static<typeof DockEvent>;

/**
 * Services the hub asks of a dock (`yzg/v1/dock/{sn}/services`). `start-task` is `prepare-launch`
 * for a patrol sortie: the dock files what its camera takes under `params.sortieId`.
 */
export const DOCK_SERVICES = ['prepare-launch', 'start-task', 'prepare-landing', 'abort-launch', 'reset-fault'] as const;
/** A dock service name. */
export type DockServiceName = (typeof DOCK_SERVICES)[number];

/** Payload of `yzg/v1/dock/{sn}/services` (hub → dock). */
export const DockServiceRequest = Type.Object(
  {
    /** Id echoed in the reply. */
    requestId: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }),
    ts: Ts,
    method: Type.Unsafe<DockServiceName>({ type: 'string', enum: [...DOCK_SERVICES] }),
    params: Type.Optional(Type.Object({ sortieId: Type.Optional(Type.String({ pattern: '^[0-9]{1,18}$' })) }, { additionalProperties: false })),
  },
  { additionalProperties: false },
);
/** Payload of a dock service request. */
export type DockServiceRequest = Static<typeof DockServiceRequest>;

/** Payload of `yzg/v1/dock/{sn}/services_reply` (dock → hub). */
export const DockServiceReply = Type.Object(
  {
    requestId: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }),
    ts: Ts,
    method: Type.Unsafe<DockServiceName>({ type: 'string', enum: [...DOCK_SERVICES] }),
    result: Type.Unsafe<'ok' | 'denied' | 'failed'>({ type: 'string', enum: ['ok', 'denied', 'failed'] }),
    /** Why it was denied or failed, for people (e.g. the wind above the launch limit). */
    reason: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
/** Payload of a dock service reply. */
export type DockServiceReply = Static<typeof DockServiceReply>;

// ---------------------------------------------------------------- operator API

const Lat = Type.Number({ minimum: -90, maximum: 90 });
const Lon = Type.Number({ minimum: -180, maximum: 180 });
/** Flight altitude above the take-off point: at most 120 m (controlled airspace above). */
const AltitudeM = Type.Number({ minimum: 5, maximum: 120 });

/** Path parameters naming a dock. */
export const DockParams = Type.Object({ sn: Type.String({ pattern: SERIAL_PATTERN }) });

/** Body of `POST /api/v1/docks/{sn}/launch`: fly the dock's drone to a point. */
export const LaunchBody = Type.Object({ lat: Lat, lon: Lon, altitudeM: AltitudeM }, { additionalProperties: false });
/** Body of a launch. */
export type LaunchBody = Static<typeof LaunchBody>;

/** Body of `POST /api/v1/docks/{sn}/go-to`. */
export const GoToBody = Type.Object({ lat: Lat, lon: Lon, altitudeM: AltitudeM }, { additionalProperties: false });
/** Body of a go-to. */
export type GoToBody = Static<typeof GoToBody>;

/** Text an operator must send to confirm an emergency stop (motors off in the air). */
export const EMERGENCY_STOP_CONFIRMATION = '确认急停';

/** Body of `POST /api/v1/docks/{sn}/emergency-stop`: needs the explicit confirmation. */
export const EmergencyStopBody = Type.Object(
  {
    confirm: Type.String({ maxLength: 32, description: `必须为 "${EMERGENCY_STOP_CONFIRMATION}" / must be "${EMERGENCY_STOP_CONFIRMATION}"` }),
    reason: Type.String({ minLength: 2, maxLength: 200 }),
  },
  { additionalProperties: false },
);
/** Body of an emergency stop. */
export type EmergencyStopBody = Static<typeof EmergencyStopBody>;

/** Empty body of the commands without arguments (hold, resume, return, land). */
export const EmptyBody = Type.Union([Type.Object({}, { additionalProperties: false }), Type.Null()]);

/** Operator actions on a dock's drone. */
export const DOCK_ACTIONS = ['launch', 'go-to', 'hold', 'resume', 'return', 'land', 'emergency-stop'] as const;
/** An operator action. */
export type DockAction = (typeof DOCK_ACTIONS)[number];

/** Reply of an operator command: the outcome as a value, with a message for people. */
export const DockCommandReply = Type.Object({
  action: Type.Unsafe<DockAction>({ type: 'string', enum: [...DOCK_ACTIONS] }),
  outcome: CommandResult.properties.outcome,
  message: Type.String(),
  /** Every vehicle command the action sent, in order. */
  steps: Type.Array(Type.Object({ step: Type.String(), ...CommandResult.properties })),
});
/** Reply of an operator command. */
export type DockCommandReply = Static<typeof DockCommandReply>;

/** A dock as `GET /api/v1/docks` shows it. */
export const DockView = Type.Object({
  sn: Type.String(),
  name: Type.String(),
  lat: Type.Number(),
  lon: Type.Number(),
  regionCode: Type.String(),
  regionName: Type.String(),
  online: Type.Boolean(),
  /** Radius the dock's drone covers, metres. */
  coverageRadiusM: Type.Number(),
  droneSysId: Type.Union([Type.Integer(), Type.Null()]),
  state: Type.Union([DockState, Type.Null()]),
  weather: Type.Union([DockWeather, Type.Null()]),
  alarms: Type.Array(HealthAlarm),
  /** Latest telemetry of the dock's drone, when it has sent any. */
  drone: Type.Union([VehicleTelemetry, Type.Null()]),
  /** Whether the ground station hears the drone's heartbeat. */
  droneLinked: Type.Boolean(),
});
/** A dock as the API shows it. */
export type DockView = Static<typeof DockView>;

/** A flight: take-off to landing. */
export const FlightView = Type.Object({
  id: Type.Integer(),
  dockSn: Type.Union([Type.String(), Type.Null()]),
  sysId: Type.Integer(),
  startedAt: Type.String(),
  endedAt: Type.Union([Type.String(), Type.Null()]),
  takeoff: Type.Object({ lat: Type.Number(), lon: Type.Number() }),
  landing: Type.Union([Type.Object({ lat: Type.Number(), lon: Type.Number() }), Type.Null()]),
  distanceM: Type.Number(),
  durationS: Type.Union([Type.Number(), Type.Null()]),
  maxAltRelM: Type.Number(),
  batteryStartPct: Type.Number(),
  batteryEndPct: Type.Union([Type.Number(), Type.Null()]),
  batteryUsedPct: Type.Union([Type.Number(), Type.Null()]),
  /** Positions along the flight, [lon, lat, altRelM], simplified. */
  track: Type.Array(Type.Array(Type.Number())),
});
/** A flight record. */
export type FlightView = Static<typeof FlightView>;

/** Query of `GET /api/v1/flights`. */
export const FlightsQuery = Type.Object(
  {
    dockSn: Type.Optional(Type.String({ pattern: SERIAL_PATTERN })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  },
  { additionalProperties: false },
);
/** Query of a flights request. */
export type FlightsQuery = Static<typeof FlightsQuery>;

/** Query of `GET /api/v1/docks/{sn}/telemetry`: the drone's positions. */
export const DroneTrackQuery = Type.Object(
  {
    from: Type.Optional(Type.String({ format: 'date-time' })),
    to: Type.Optional(Type.String({ format: 'date-time' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 20_000, default: 2000 })),
  },
  { additionalProperties: false },
);

/** Live WebSocket messages about docks, drones and flights (part of `LiveMessage`). */
export type DockLiveMessage =
  /** A drone's telemetry (at most 2 Hz per drone). */
  | { type: 'vehicle'; dockSn: string | null; telemetry: VehicleTelemetry }
  /** A dock changed state. */
  | { type: 'dock-state'; sn: string; state: DockStateName; reason?: string; ts: string }
  /** A dock's periodic readings (weather, lid, drone battery). */
  | { type: 'dock-osd'; sn: string; osd: DockOsd }
  /** A dock's active health alarms (the full list; an absent alarm is cleared). */
  | { type: 'dock-alarms'; sn: string; alarms: HealthAlarm[]; ts: string }
  /** A ground-station alarm about a drone (link lost/restored, failsafe, fence, warnings). */
  | { type: 'vehicle-alarm'; dockSn: string | null; alarm: VehicleAlarm }
  /** A flight started or ended. */
  | { type: 'flight'; event: 'started' | 'ended'; flight: FlightView }
  /** The outcome of an operator command or of its follow-up step. */
  | { type: 'dock-command'; sn: string; action: DockAction; outcome: CommandOutcome; message: string; by: string; ts: string };
