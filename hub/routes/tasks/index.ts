/** Patrol tasks: departments submit and follow; the duty officer approves, rejects and controls. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import Type from 'typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ErrorReply } from '../../../protocol/api.schema.ts';
import { CreateTaskBody, TaskControlBody, TaskDecisionBody, TaskListQuery } from '../../../protocol/task.schema.ts';
import { TASK_DECIDERS, TASK_SUBMITTERS, type TaskActor, type TaskService } from '../../services/task.service.ts';
import type { OrgService } from '../../services/org.service.ts';

const IdParams = Type.Object({ id: Type.String({ pattern: '^[0-9]{1,18}$' }) }, { additionalProperties: false });
const refusals = { 400: ErrorReply, 401: ErrorReply, 403: ErrorReply, 404: ErrorReply, 409: ErrorReply };
/** Task views are built by the service from protocol/task.schema.ts types. */
const ok = { 200: Type.Any(), 201: Type.Any() };

/** Registers `/api/v1/tasks…`. */
export async function taskRoutes(app: FastifyInstance, opts: { tasks: TaskService; org: OrgService }): Promise<void> {
  const { tasks, org } = opts;
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const common = { tags: ['tasks'], security: [{ bearer: [] }] };
  const actor = async (req: FastifyRequest): Promise<TaskActor> => {
    const a = await org.actor(Number(req.user.sub));
    return { username: req.user.username, role: req.user.role, unit: a.unit?.code ?? null, ip: req.ip };
  };

  r.post(
    '/api/v1/tasks',
    { preHandler: app.requireRoles(...TASK_SUBMITTERS), schema: { ...common, summary: '提交巡查任务（区域、航线或兴趣点，高度，周期，优先级，识别模型）/ submit a patrol task', body: CreateTaskBody, response: { ...ok, ...refusals } } },
    async (req, reply) => reply.code(201).send(await tasks.submit(req.body, await actor(req))),
  );
  r.get(
    '/api/v1/tasks',
    { preHandler: app.authenticate, schema: { ...common, summary: '任务列表（部门只见本部门）/ tasks (a department sees its own)', querystring: TaskListQuery, response: { ...ok, ...refusals } } },
    async (req) => tasks.list(req.query, await actor(req)),
  );
  r.get(
    '/api/v1/tasks/:id',
    { preHandler: app.authenticate, schema: { ...common, summary: '任务详情：执行批次、架次进度、影像数 / a task with its runs and sorties', params: IdParams, response: { ...ok, ...refusals } } },
    async (req) => tasks.get(req.params.id, await actor(req)),
  );
  r.post(
    '/api/v1/tasks/:id/decision',
    { preHandler: app.requireRoles(...TASK_DECIDERS), schema: { ...common, summary: '审批：通过或驳回（须填理由）/ approve, or reject with a reason', params: IdParams, body: TaskDecisionBody, response: { ...ok, ...refusals } } },
    async (req) => tasks.decide(req.params.id, req.body, await actor(req)),
  );
  r.post(
    '/api/v1/tasks/:id/control',
    { preHandler: app.requireRoles(...TASK_DECIDERS, 'operator'), schema: { ...common, summary: '暂停、继续或取消执行 / pause, resume or cancel', params: IdParams, body: TaskControlBody, response: { ...ok, ...refusals } } },
    async (req) => tasks.control(req.params.id, req.body, await actor(req)),
  );
}
