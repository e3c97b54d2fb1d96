/** Routing rules (admin changes them) and a preview of where an event would go. */
import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ErrorReply } from '../../../protocol/api.schema.ts';
import { RoutingPreviewBody, RoutingPreviewReply, RoutingRuleBody, RoutingRuleView } from '../../../protocol/workflow.schema.ts';
import type { RoutingRuleRow } from '../../repositories/routing.repository.ts';
import type { WorkflowServices } from '../../services/index.ts';

const view = (r: RoutingRuleRow) => ({ ...r, updatedAt: r.updatedAt.toISOString() });
const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const refusals = { 400: ErrorReply, 401: ErrorReply, 403: ErrorReply, 404: ErrorReply };

/** Registers `/api/v1/routing-rules…`. */
export async function routingRuleRoutes(app: FastifyInstance, opts: { workflow: WorkflowServices }): Promise<void> {
  const { routing } = opts.workflow;
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const common = { tags: ['routing-rules'], security: [{ bearer: [] }] };
  r.get(
    '/api/v1/routing-rules',
    { preHandler: app.requireRoles('admin', 'duty_officer', 'leader'), schema: { ...common, summary: '分拨规则 / routing rules', response: { 200: Type.Array(RoutingRuleView), ...refusals } } },
    async () => (await routing.listRules()).map(view),
  );
  r.post(
    '/api/v1/routing-rules',
    { preHandler: app.requireRoles('admin'), schema: { ...common, summary: '新增分拨规则 / add a rule', body: RoutingRuleBody, response: { 201: RoutingRuleView, ...refusals } } },
    async (req, reply) => reply.status(201).send(view(await routing.createRule(req.body, { username: req.user.username, ip: req.ip }))),
  );
  r.put(
    '/api/v1/routing-rules/:id',
    { preHandler: app.requireRoles('admin'), schema: { ...common, summary: '修改分拨规则 / replace a rule', params: IdParams, body: RoutingRuleBody, response: { 200: RoutingRuleView, ...refusals } } },
    async (req) => view(await routing.updateRule(req.params.id, req.body, { username: req.user.username, ip: req.ip })),
  );
  r.delete(
    '/api/v1/routing-rules/:id',
    { preHandler: app.requireRoles('admin'), schema: { ...common, summary: '删除分拨规则 / delete a rule', params: IdParams, response: { 204: Type.Null(), ...refusals } } },
    async (req, reply) => {
      await routing.deleteRule(req.params.id, { username: req.user.username, ip: req.ip });
      return reply.status(204).send(null);
    },
  );
  r.post(
    '/api/v1/routing-rules/preview',
    { preHandler: app.authenticate, schema: { ...common, summary: '预览分拨结果 / where would such an event go', body: RoutingPreviewBody, response: { 200: RoutingPreviewReply, ...refusals } } },
    async (req) => routing.route(req.body.eventType, req.body.severity, req.body.regionCode),
  );
}
