/** Events: report one (it opens a ticket), list and read them within your area. */
import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ErrorReply } from '../../../protocol/api.schema.ts';
import { CreateEventBody, CreateEventReply, EventView } from '../../../protocol/workflow.schema.ts';
import type { WorkflowServices } from '../../services/index.ts';

/** Registers `/api/v1/events…`. */
export async function eventRoutes(app: FastifyInstance, opts: { workflow: WorkflowServices }): Promise<void> {
  const { events, org } = opts.workflow;
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const common = { tags: ['events'], security: [{ bearer: [] }] };
  r.post(
    '/api/v1/events',
    {
      preHandler: app.authenticate,
      schema: { ...common, summary: '上报事件（生成工单）/ report an event (opens a ticket)', body: CreateEventBody, response: { 201: CreateEventReply, 200: CreateEventReply, 400: ErrorReply, 401: ErrorReply, 403: ErrorReply } },
    },
    async (req, reply) => {
      const out = await events.reportEvent(req.body, await org.actor(Number(req.user.sub)), { ip: req.ip });
      return reply.status(out.joined ? 200 : 201).send(out);
    },
  );
  r.get(
    '/api/v1/events',
    {
      preHandler: app.authenticate,
      schema: {
        ...common,
        summary: '事件列表（本辖区）/ events in your area',
        querystring: Type.Object({ open: Type.Optional(Type.Boolean()), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })) }, { additionalProperties: false }),
        response: { 200: Type.Array(EventView), 401: ErrorReply },
      },
    },
    async (req) => events.list(await org.actor(Number(req.user.sub)), req.query.open ?? false, req.query.limit ?? 100),
  );
  r.get(
    '/api/v1/events/:id',
    { preHandler: app.authenticate, schema: { ...common, summary: '事件详情 / an event', params: Type.Object({ id: Type.Integer({ minimum: 1 }) }), response: { 200: EventView, 401: ErrorReply, 404: ErrorReply } } },
    async (req) => events.get(await org.actor(Number(req.user.sub)), req.params.id),
  );
}
