/** Docks and the operator commands to their drones (全域指飞). */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import Type, { type TSchema } from 'typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ErrorReply } from '../../../protocol/api.schema.ts';
import { DockCommandReply, DockParams, DockView, DroneTrackQuery, EmergencyStopBody, EmptyBody, GoToBody, LaunchBody } from '../../../protocol/dock.schema.ts';
import type { DockActor, DockService } from '../../services/dock.service.ts';

/** Roles that may command flights. */
const PILOTS = ['operator', 'duty_officer', 'admin'] as const;

const actor = (req: FastifyRequest): DockActor => ({ username: req.user.username, ip: req.ip });

/** Registers `GET /api/v1/docks…` and `POST /api/v1/docks/{sn}/<command>`. */
export async function dockRoutes(app: FastifyInstance, opts: { docks: DockService }): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const docks = opts.docks;
  const commandSchema = <B extends TSchema>(summary: string, body: B) => ({
    tags: ['docks'],
    summary,
    security: [{ bearer: [] }],
    params: DockParams,
    body,
    response: { 200: DockCommandReply, 400: ErrorReply, 401: ErrorReply, 403: ErrorReply, 404: ErrorReply, 503: ErrorReply },
  });

  r.get('/api/v1/docks', { preHandler: app.authenticate, schema: { tags: ['docks'], summary: '机库列表（状态、气象、告警、无人机遥测）/ docks', security: [{ bearer: [] }], response: { 200: Type.Array(DockView), 401: ErrorReply } } }, async () => docks.list());
  r.get('/api/v1/docks/:sn', { preHandler: app.authenticate, schema: { tags: ['docks'], summary: '单个机库 / one dock', security: [{ bearer: [] }], params: DockParams, response: { 200: DockView, 401: ErrorReply, 404: ErrorReply } } }, async (req) => docks.get(req.params.sn));
  r.get(
    '/api/v1/docks/:sn/track',
    {
      preHandler: app.authenticate,
      schema: {
        tags: ['docks'],
        summary: '无人机历史位置 / positions of the dock\'s drone',
        security: [{ bearer: [] }],
        params: DockParams,
        querystring: DroneTrackQuery,
        response: { 200: Type.Array(Type.Object({ ts: Type.String(), lat: Type.Number(), lon: Type.Number(), altRelM: Type.Number(), altAmslM: Type.Number(), groundSpeedMps: Type.Union([Type.Number(), Type.Null()]), batteryPct: Type.Union([Type.Number(), Type.Null()]), mode: Type.String(), armed: Type.Boolean() })), 401: ErrorReply, 404: ErrorReply },
      },
    },
    async (req) => docks.track(req.params.sn, req.query),
  );

  const guard = app.requireRoles(...PILOTS);
  r.post('/api/v1/docks/:sn/launch', { preHandler: guard, schema: commandSchema('起飞并飞往目标点 / launch the drone to a point', LaunchBody) }, async (req) => docks.launch(req.params.sn, req.body, actor(req)));
  r.post('/api/v1/docks/:sn/go-to', { preHandler: guard, schema: commandSchema('飞往目标点 / fly to a point', GoToBody) }, async (req) => docks.goTo(req.params.sn, req.body, actor(req)));
  r.post('/api/v1/docks/:sn/hold', { preHandler: guard, schema: commandSchema('悬停 / hold position', EmptyBody) }, async (req) => docks.hold(req.params.sn, actor(req)));
  r.post('/api/v1/docks/:sn/resume', { preHandler: guard, schema: commandSchema('继续 / resume to the last target', EmptyBody) }, async (req) => docks.resume(req.params.sn, actor(req)));
  r.post('/api/v1/docks/:sn/return', { preHandler: guard, schema: commandSchema('返航入库 / return to the dock', EmptyBody) }, async (req) => docks.returnToDock(req.params.sn, actor(req)));
  r.post('/api/v1/docks/:sn/land', { preHandler: guard, schema: commandSchema('原地降落 / land where it is', EmptyBody) }, async (req) => docks.land(req.params.sn, actor(req)));
  r.post('/api/v1/docks/:sn/emergency-stop', { preHandler: guard, schema: commandSchema('急停（需确认）/ emergency stop (needs confirmation)', EmergencyStopBody) }, async (req) => docks.emergencyStop(req.params.sn, req.body, actor(req)));
}
