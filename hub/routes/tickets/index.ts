/** Tickets: workbench queues, detail with history and allowed actions, one endpoint per action, photos. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import Type from 'typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ErrorReply } from '../../../protocol/api.schema.ts';
import {
  ACTION_LABELS_ZH,
  RevisitImagesBody,
  TICKET_ACTIONS,
  TicketActionBodies,
  TicketDetailView,
  TicketListQuery,
  TicketView,
  UploadPhotoBody,
  type TicketActionBody,
} from '../../../protocol/workflow.schema.ts';
import type { WorkflowServices } from '../../services/index.ts';

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const refusals = { 400: ErrorReply, 401: ErrorReply, 403: ErrorReply, 404: ErrorReply, 409: ErrorReply };

/** Registers `/api/v1/tickets…`. */
export async function ticketRoutes(app: FastifyInstance, opts: { workflow: WorkflowServices }): Promise<void> {
  const { tickets, org } = opts.workflow;
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const actor = (req: FastifyRequest) => org.actor(Number(req.user.sub));
  const common = { tags: ['tickets'], security: [{ bearer: [] }] };

  r.get(
    '/api/v1/tickets',
    { preHandler: app.authenticate, schema: { ...common, summary: '工单列表（按环节、层级、超期筛选，限本辖区）/ tickets in your area', querystring: TicketListQuery, response: { 200: Type.Array(TicketView), ...refusals } } },
    async (req) => tickets.list(await actor(req), req.query),
  );

  r.get(
    '/api/v1/tickets/:id',
    { preHandler: app.authenticate, schema: { ...common, summary: '工单详情、流转记录与可执行操作 / ticket detail', params: IdParams, response: { 200: TicketDetailView, ...refusals } } },
    async (req) => tickets.detail(await actor(req), req.params.id),
  );

  for (const action of TICKET_ACTIONS) {
    r.post(
      `/api/v1/tickets/:id/${action.replaceAll('_', '-')}`,
      {
        preHandler: app.authenticate,
        schema: { ...common, summary: `${ACTION_LABELS_ZH[action]} / ${action}`, params: IdParams, body: TicketActionBodies[action], response: { 200: TicketView, ...refusals } },
      },
      async (req) => tickets.act(await actor(req), req.params.id, action, req.body as TicketActionBody, req.ip),
    );
  }

  r.post(
    '/api/v1/tickets/:id/photos',
    {
      preHandler: app.authenticate,
      schema: { ...common, summary: '上传现场照片（base64，≤700KB）/ upload a photo', params: IdParams, body: UploadPhotoBody, response: { 201: Type.Object({ id: Type.Integer(), sizeBytes: Type.Integer(), sha256: Type.String() }), ...refusals } },
    },
    async (req, reply) => reply.status(201).send(await tickets.uploadPhoto(await actor(req), req.params.id, req.body.contentType, req.body.dataBase64)),
  );

  r.get(
    '/api/v1/tickets/:id/photos/:photoId',
    { preHandler: app.authenticate, schema: { ...common, summary: '查看照片 / a photo', params: Type.Object({ id: Type.Integer({ minimum: 1 }), photoId: Type.Integer({ minimum: 1 }) }) } },
    async (req, reply) => {
      const p = await tickets.photo(await actor(req), req.params.id, req.params.photoId);
      return reply.type(p.contentType).header('cache-control', 'private, max-age=3600').send(p.bytes);
    },
  );

  r.post(
    '/api/v1/tickets/:id/revisits/:revisitId/images',
    {
      preHandler: app.requireRoles('operator', 'duty_officer', 'admin'),
      schema: { ...common, summary: '回传无人机复核影像 / attach drone revisit images', params: Type.Object({ id: Type.Integer({ minimum: 1 }), revisitId: Type.Integer({ minimum: 1 }) }), body: RevisitImagesBody, response: { 204: Type.Null(), ...refusals } },
    },
    async (req, reply) => {
      await tickets.completeRevisit(await actor(req), req.params.id, req.params.revisitId, req.body.attachmentIds);
      return reply.status(204).send(null);
    },
  );
}
