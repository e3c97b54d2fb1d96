/**
 * Which live messages a person may receive: tickets and alarms only within their area (region codes
 * are hierarchical, so the area is a prefix), notifications only when addressed to them or to a
 * unit in their area. Sensor readings, dock and vehicle telemetry are district-wide situation data
 * that every signed-in role may see (as `GET /api/v1/sensors` shows them).
 */
import type { LiveMessage } from '../../protocol/api.schema.ts';

/** The signed-in person a WebSocket belongs to. */
export interface LiveViewer {
  userId: number;
  regionCode: string;
}

/** True when `msg` may be sent to `viewer`. */
export function mayReceive(viewer: LiveViewer, msg: LiveMessage): boolean {
  switch (msg.type) {
    case 'ticket':
      return msg.regionCode.startsWith(viewer.regionCode);
    case 'alarm':
      return msg.alarm.regionCode.startsWith(viewer.regionCode);
    case 'notification':
      if (msg.recipientUserId !== null) return msg.recipientUserId === viewer.userId;
      return msg.recipientUnit === null || msg.recipientUnit.startsWith(viewer.regionCode) || viewer.regionCode.length <= 6;
    default:
      return true;
  }
}
