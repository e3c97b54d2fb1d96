/**
 * Notifications: your in-app notices, outbound webhooks (admin) and their dead letters. Also
 * bridges the workflow's live messages (ticket changes, notifications) to the live WebSocket.
 */
import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ErrorReply } from '../../../protocol/api.schema.ts';
import { CreateWebhookBody, NotificationView } from '../../../protocol/workflow.schema.ts';
import type { LiveBus } from '../../live/live-bus.ts';
import type { WorkflowServices } from '../../services/index.ts';

/** Registers `/api/v1/notifications…` and the live bridge. */
export async function notificationRoutes(app: FastifyInstance, opts: { workflow: WorkflowServices; live: LiveBus }): Promise<void> {
  const { notifications, org, outbox } = opts.workflow;
  const unsubscribe = outbox.subscribe((msg) => opts.live.publish(msg));
  app.addHook('onClose', async () => unsubscribe());

  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const common = { tags: ['notifications'], security: [{ bearer: [] }] };
  r.get(
    '/api/v1/notifications',
    {
      preHandler: app.authenticate,
      schema: { ...common, summary: '我的通知（本人及本单位）/ my notifications', querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })) }, { additionalProperties: false }), response: { 200: Type.Array(NotificationView), 401: ErrorReply } },
    },
    async (req) => notifications.list(await org.actor(Number(req.user.sub)), req.query.limit ?? 100),
  );
  r.post(
    '/api/v1/notifications/:id/read',
    { preHandler: app.authenticate, schema: { ...common, summary: '标记已读 / mark read', params: Type.Object({ id: Type.Integer({ minimum: 1 }) }), response: { 204: Type.Null(), 401: ErrorReply, 404: ErrorReply } } },
    async (req, reply) => {
      await notifications.markRead(await org.actor(Number(req.user.sub)), req.params.id);
      return reply.status(204).send(null);
    },
  );
  const Webhook = Type.Object({ id: Type.Integer(), name: Type.String(), url: Type.String(), kinds: Type.Array(Type.String()) });
  r.post(
    '/api/v1/notifications/webhooks',
    { preHandler: app.requireRoles('admin'), schema: { ...common, summary: '登记外发网关（短信/IM）/ register an outbound webhook', body: CreateWebhookBody, response: { 201: Webhook, 400: ErrorReply, 401: ErrorReply, 403: ErrorReply } } },
    async (req, reply) => reply.status(201).send(await notifications.registerWebhook(req.body, { username: req.user.username, ip: req.ip })),
  );
  r.get(
    '/api/v1/notifications/webhooks',
    { preHandler: app.requireRoles('admin'), schema: { ...common, summary: '外发网关列表 / webhooks', response: { 200: Type.Array(Type.Object({ ...Webhook.properties, active: Type.Boolean(), createdAt: Type.String() })), 401: ErrorReply, 403: ErrorReply } } },
    async () => notifications.listWebhooks(),
  );
  r.get(
    '/api/v1/notifications/dead-letters',
    {
      preHandler: app.requireRoles('admin'),
      schema: {
        ...common,
        summary: '投递失败记录 / webhook dead letters',
        response: { 200: Type.Array(Type.Object({ id: Type.Integer(), deliveryId: Type.Integer(), endpointId: Type.Integer(), notificationId: Type.Integer(), attempts: Type.Integer(), lastError: Type.String(), at: Type.String() })), 401: ErrorReply, 403: ErrorReply },
      },
    },
    async () => notifications.deadLetters(),
  );
}
