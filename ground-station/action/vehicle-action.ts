/**
 * Flying a vehicle in the operator's words (MAVSDK's Action plugin): arm, take off to a height,
 * go to a point, hold, return, land, start the mission, emergency stop. Each returns the command
 * outcome as a value. Built to ArduPilot Copter's documented behaviour: GUIDED take-off with
 * MAV_CMD_NAV_TAKEOFF, go-to with MAV_CMD_DO_REPOSITION (COMMAND_INT), mode changes with
 * MAV_CMD_DO_SET_MODE and Copter custom modes, MAV_CMD_MISSION_START.
 */
import { COPTER_MODES, type CommandResult, type CopterMode } from '../../protocol/vehicle.schema.ts';
import type { GroundStation } from '../core/ground-station.ts';
import { sendCommand, type CommandOptions } from '../command/command.protocol.ts';

const MAV_CMD = { NAV_TAKEOFF: 22, DO_SET_MODE: 176, DO_REPOSITION: 192, MISSION_START: 300, COMPONENT_ARM_DISARM: 400, SET_MESSAGE_INTERVAL: 511 } as const;
/** MAV_FRAME_GLOBAL_RELATIVE_ALT_INT: altitude above home. */
const FRAME_GLOBAL_RELATIVE_ALT_INT = 6;
/** MAV_MODE_FLAG_CUSTOM_MODE_ENABLED. */
const CUSTOM_MODE_ENABLED = 1;
/** Magic number of a forced disarm. */
const FORCE_DISARM = 21196;
/** Highest take-off or go-to altitude above home, metres (DOMAIN.md: 120 m rule). */
export const MAX_ALTITUDE_M = 120;

/** Commands to one vehicle. */
export class VehicleAction {
  constructor(
    private readonly gcs: GroundStation,
    readonly sysId: number,
    private readonly options: CommandOptions = {},
  ) {}

  private cmd(command: number, params: Array<number | undefined>, intFrame?: number): Promise<CommandResult> {
    return sendCommand(this.gcs, this.sysId, { command, params, intFrame }, this.options);
  }

  /** Arms the motors (refused with a reason until the vehicle is ready). */
  arm(): Promise<CommandResult> {
    return this.cmd(MAV_CMD.COMPONENT_ARM_DISARM, [1]);
  }

  /** Disarms on the ground. */
  disarm(): Promise<CommandResult> {
    return this.cmd(MAV_CMD.COMPONENT_ARM_DISARM, [0]);
  }

  /** Switches the flight mode. */
  setMode(mode: CopterMode): Promise<CommandResult> {
    return this.cmd(MAV_CMD.DO_SET_MODE, [CUSTOM_MODE_ENABLED, COPTER_MODES[mode]]);
  }

  /** Takes off to `altitudeM` above home in GUIDED (switching to GUIDED first when needed). */
  async takeoff(altitudeM: number): Promise<CommandResult> {
    const alt = Math.min(Math.max(altitudeM, 1), MAX_ALTITUDE_M);
    if (this.gcs.vehicle(this.sysId)?.telemetry.snapshot().mode !== 'GUIDED') {
      const r = await this.setMode('GUIDED');
      if (r.outcome !== 'accepted') return r;
    }
    return this.cmd(MAV_CMD.NAV_TAKEOFF, [0, 0, 0, Number.NaN, 0, 0, alt]);
  }

  /** Flies to a point at `altitudeM` above home (GUIDED; switches mode when needed). */
  goTo(lat: number, lon: number, altitudeM: number, speedMps = -1): Promise<CommandResult> {
    const alt = Math.min(altitudeM, MAX_ALTITUDE_M);
    // param2 bit 0 = MAV_DO_REPOSITION_FLAGS_CHANGE_MODE; yaw NaN = keep the current behaviour.
    return this.cmd(MAV_CMD.DO_REPOSITION, [speedMps, 1, 0, Number.NaN, lat, lon, alt], FRAME_GLOBAL_RELATIVE_ALT_INT);
  }

  /** Holds position (LOITER). */
  hold(): Promise<CommandResult> {
    return this.setMode('LOITER');
  }

  /** Returns to the take-off point and lands (RTL). */
  returnToLaunch(): Promise<CommandResult> {
    return this.setMode('RTL');
  }

  /** Lands where it is. */
  land(): Promise<CommandResult> {
    return this.setMode('LAND');
  }

  /** Starts the uploaded mission (MAV_CMD_MISSION_START; ArduPilot needs it armed). */
  startMission(fromSeq = 1): Promise<CommandResult> {
    return this.cmd(MAV_CMD.MISSION_START, [fromSeq, 0]);
  }

  /** Motors off at once, even in the air. The drone falls: only to prevent worse. */
  emergencyStop(): Promise<CommandResult> {
    return this.cmd(MAV_CMD.COMPONENT_ARM_DISARM, [0, FORCE_DISARM]);
  }

  /** Asks for a message at a rate (MAV_CMD_SET_MESSAGE_INTERVAL); `hz` 0 stops it. */
  setMessageRate(messageId: number, hz: number): Promise<CommandResult> {
    return this.cmd(MAV_CMD.SET_MESSAGE_INTERVAL, [messageId, hz > 0 ? Math.round(1e6 / hz) : -1]);
  }
}
