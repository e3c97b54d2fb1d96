/**
 * Wire contracts of a vehicle (a dock's drone) as the centre sees it: ArduPilot Copter flight
 * modes, normalised telemetry, command outcomes and link alarms. Pure: no I/O.
 */
import Type, { type Static } from 'typebox';

/** ArduPilot Copter custom modes (HEARTBEAT.custom_mode), by name (ArduCopter `mode.h`). */
export const COPTER_MODES = {
  STABILIZE: 0,
  ACRO: 1,
  ALT_HOLD: 2,
  AUTO: 3,
  GUIDED: 4,
  LOITER: 5,
  RTL: 6,
  CIRCLE: 7,
  LAND: 9,
  DRIFT: 11,
  SPORT: 13,
  POSHOLD: 16,
  BRAKE: 17,
  SMART_RTL: 21,
} as const;
/** Name of an ArduPilot Copter mode. */
export type CopterMode = keyof typeof COPTER_MODES;

/** Mode name of a custom mode number; `MODE_<n>` for one we do not know. */
export function copterModeName(customMode: number): string {
  for (const [name, n] of Object.entries(COPTER_MODES)) if (n === customMode) return name;
  return `MODE_${customMode}`;
}

/** Chinese labels of the flight modes, for people. */
export const COPTER_MODE_LABELS_ZH: Record<CopterMode, string> = {
  STABILIZE: '自稳',
  ACRO: '特技',
  ALT_HOLD: '定高',
  AUTO: '自动航线',
  GUIDED: '指点飞行',
  LOITER: '悬停',
  RTL: '返航',
  CIRCLE: '绕圈',
  LAND: '降落',
  DRIFT: '漂移',
  SPORT: '运动',
  POSHOLD: '定点',
  BRAKE: '刹停',
  SMART_RTL: '智能返航',
};

/** Outcome of a command sent to a vehicle (MAVSDK style: a value, never an exception). */
export const COMMAND_OUTCOMES = ['accepted', 'denied', 'in-progress', 'timeout', 'no-vehicle'] as const;
/** Outcome of a command sent to a vehicle. */
export type CommandOutcome = (typeof COMMAND_OUTCOMES)[number];

/** A command's outcome with its details. */
export const CommandResult = Type.Object({
  outcome: Type.Unsafe<CommandOutcome>({ type: 'string', enum: [...COMMAND_OUTCOMES] }),
  /** MAV_RESULT name of the final COMMAND_ACK, when one arrived (e.g. `DENIED`, `FAILED`). */
  result: Type.Optional(Type.String()),
  /** Why the vehicle refused, from its STATUSTEXT (e.g. `PreArm: EKF3 waiting for GPS`). */
  reason: Type.Optional(Type.String()),
  /** How many times the command was sent. */
  attempts: Type.Integer({ minimum: 0 }),
  /** Time from the first send to the final answer (or the give-up), milliseconds. */
  elapsedMs: Type.Number({ minimum: 0 }),
});
/** A command's outcome with its details. */
export type CommandResult = Static<typeof CommandResult>;

/** Telemetry of one vehicle, normalised from its MAVLink messages (SI units, degrees). */
export const VehicleTelemetry = Type.Object({
  /** MAVLink system id of the vehicle. */
  sysId: Type.Integer({ minimum: 1, maximum: 255 }),
  /** Time the centre received the position (RFC 3339). */
  ts: Type.String({ maxLength: 40 }),
  armed: Type.Boolean(),
  /** Flight mode name (ArduPilot Copter), e.g. `GUIDED`, `RTL`. */
  mode: Type.String({ maxLength: 32 }),
  /** MAV_STATE name, e.g. `STANDBY`, `ACTIVE`, `CRITICAL`. */
  systemStatus: Type.String({ maxLength: 32 }),
  lat: Type.Number({ minimum: -90, maximum: 90 }),
  lon: Type.Number({ minimum: -180, maximum: 180 }),
  /** Altitude above mean sea level, metres. */
  altAmslM: Type.Number(),
  /** True height above home (take-off point), metres. */
  altRelM: Type.Number(),
  /** Heading, degrees clockwise from north, 0–360. */
  headingDeg: Type.Number({ minimum: 0, maximum: 360 }),
  groundSpeedMps: Type.Number({ minimum: 0 }),
  /** Vertical speed, metres per second, positive up. */
  climbMps: Type.Number(),
  rollDeg: Type.Number(),
  pitchDeg: Type.Number(),
  batteryPct: Type.Number({ minimum: -1, maximum: 100 }),
  voltageV: Type.Number({ minimum: 0 }),
  /** Home (take-off point), when the vehicle has reported one. */
  home: Type.Optional(Type.Object({ lat: Type.Number(), lon: Type.Number(), altAmslM: Type.Number() })),
  /** Current mission item, when flying a mission. */
  missionSeq: Type.Optional(Type.Integer({ minimum: 0 })),
  /** Share of the vehicle's packets that arrived (from MAVLink sequence gaps), percent. */
  linkQualityPct: Type.Number({ minimum: 0, maximum: 100 }),
});
/** Telemetry of one vehicle. */
export type VehicleTelemetry = Static<typeof VehicleTelemetry>;

/** Kinds of vehicle alarm the ground station raises. */
export const VEHICLE_ALARM_KINDS = ['link-lost', 'link-restored', 'failsafe', 'low-battery', 'fence-breach', 'status-text'] as const;
/** A kind of vehicle alarm. */
export type VehicleAlarmKind = (typeof VEHICLE_ALARM_KINDS)[number];

/** An alarm about a vehicle (link loss, failsafe, warning text from the autopilot). */
export interface VehicleAlarm {
  sysId: number;
  kind: VehicleAlarmKind;
  /** `info`, `warning` or `critical`. */
  level: 'info' | 'warning' | 'critical';
  /** Message for people, Chinese first. */
  message: string;
  ts: string;
}

/** MAVLink mission types (MAV_MISSION_TYPE). */
export const MISSION_TYPES = { mission: 0, fence: 1, rally: 2 } as const;
/** A MAVLink mission type name. */
export type MissionType = keyof typeof MISSION_TYPES;

/** One item of a mission, fence or rally list, in MISSION_ITEM_INT terms (lat/lon in degrees). */
export interface MissionItem {
  /** MAV_CMD number, e.g. 16 NAV_WAYPOINT, 22 NAV_TAKEOFF, 5001 fence polygon vertex. */
  command: number;
  /** MAV_FRAME number, e.g. 3 GLOBAL_RELATIVE_ALT, 6 GLOBAL_RELATIVE_ALT_INT. */
  frame: number;
  param1: number;
  param2: number;
  param3: number;
  param4: number;
  /** Latitude, degrees (carried as degE7). */
  lat: number;
  /** Longitude, degrees (carried as degE7). */
  lon: number;
  /** Altitude, metres in `frame`. */
  altM: number;
  autocontinue: boolean;
}

/** Outcome of a mission, fence or rally transfer. */
export type MissionTransferOutcome = 'accepted' | 'denied' | 'timeout' | 'no-vehicle' | 'cancelled';
