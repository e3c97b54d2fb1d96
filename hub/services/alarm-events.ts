/**
 * Sensor alarms become city-operations events (and so tickets of the eight-level workflow): one
 * open event per spot and kind — a repeat or an escalation of the same alarm joins it.
 */
import type { AlarmRow } from '../repositories/alarm.repository.ts';
import type { EventType } from '../../protocol/workflow.schema.ts';
import type { EventService } from './event.service.ts';
import { SYSTEM_ACTOR } from './org.service.ts';
import type { AlarmEventSink } from './sensing.service.ts';

const EVENT_OF: Partial<Record<AlarmRow['kind'], EventType>> = {
  depth: 'waterlogging',
  offline: 'sensor_offline',
  flatline: 'device_alarm',
  // A rainstorm signal is a warning about the weather, not a place to send someone: no event.
};

/** The sink that reports alarms to the workflow's event intake. */
export function workflowAlarmSink(events: EventService): AlarmEventSink {
  return {
    async alarmRaised(alarm) {
      const type = EVENT_OF[alarm.kind];
      if (!type || alarm.lat === null || alarm.lon === null) return undefined;
      const depthMm = typeof alarm.details.depthMm === 'number' ? alarm.details.depthMm : undefined;
      const { event } = await events.reportEvent(
        {
          type,
          severity: Math.min(4, Math.max(1, alarm.level)),
          title: alarm.title,
          description: `传感器 ${alarm.sourceSn} 告警 #${alarm.id}`,
          lat: alarm.lat,
          lon: alarm.lon,
          source: 'sensor',
          sourceRef: `${alarm.sourceSn}/${alarm.kind}`,
          ...(depthMm !== undefined ? { measure: { depthMm } } : {}),
          occurredAt: new Date(alarm.raisedAt).toISOString(),
        },
        SYSTEM_ACTOR,
      );
      return event.id;
    },
  };
}
