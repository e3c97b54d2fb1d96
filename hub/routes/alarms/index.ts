/** Sensor alarms: list, history, acknowledge, assign — within the user's area. */
import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ErrorReply } from '../../../protocol/api.schema.ts';
import { AcknowledgeAlarmBody, AlarmHistoryView, AlarmView, AlarmsQuery, AssignAlarmBody } from '../../../protocol/sensing.schema.ts';
import type { SensingService } from '../../services/sensing.service.ts';

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

/** Registers `/api/v1/alarms…`. */
export async function alarmRoutes(app: FastifyInstance, opts: { sensing: SensingService }): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const sec = [{ bearer: [] }];
  r.get(
    '/api/v1/alarms',
    { preHandler: app.authenticate, schema: { tags: ['alarms'], summary: '告警列表 / alarms in my area', security: sec, querystring: AlarmsQuery, response: { 200: Type.Array(AlarmView), 401: ErrorReply } } },
    async (req) => opts.sensing.listAlarms(req.user.regionCode, req.query.state ?? 'open', req.query.limit ?? 200),
  );
  r.get(
    '/api/v1/alarms/:id/history',
    { preHandler: app.authenticate, schema: { tags: ['alarms'], summary: '告警历史 / history of an alarm', security: sec, params: IdParams, response: { 200: Type.Array(AlarmHistoryView), 404: ErrorReply } } },
    async (req) => opts.sensing.alarmHistory(req.params.id, req.user.regionCode),
  );
  r.post(
    '/api/v1/alarms/:id/acknowledge',
    {
      preHandler: app.requireRoles('admin', 'duty_officer', 'department', 'town_staff', 'village_staff'),
      schema: { tags: ['alarms'], summary: '确认告警 / acknowledge an alarm', security: sec, params: IdParams, body: AcknowledgeAlarmBody, response: { 200: AlarmView, 403: ErrorReply, 404: ErrorReply, 409: ErrorReply } },
    },
    async (req) => opts.sensing.acknowledgeAlarm(req.params.id, { username: req.user.username, regionCode: req.user.regionCode, ip: req.ip }, req.body.note),
  );
  r.post(
    '/api/v1/alarms/:id/assign',
    {
      preHandler: app.requireRoles('admin', 'duty_officer'),
      schema: { tags: ['alarms'], summary: '指派告警跟进人 / assign an alarm', security: sec, params: IdParams, body: AssignAlarmBody, response: { 200: AlarmView, 403: ErrorReply, 404: ErrorReply, 409: ErrorReply } },
    },
    async (req) => opts.sensing.assignAlarm(req.params.id, req.body.assignee, { username: req.user.username, regionCode: req.user.regionCode, ip: req.ip }),
  );
}
