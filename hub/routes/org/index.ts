/** Organisation units of the eight tiers and who you are in them. */
import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { CommonErrors } from '../../../common/errors.ts';
import { ErrorReply } from '../../../protocol/api.schema.ts';
import { OrgUnitsQuery, OrgUnitView } from '../../../protocol/workflow.schema.ts';
import type { WorkflowServices } from '../../services/index.ts';

const Member = Type.Object({ userId: Type.Integer(), username: Type.String(), displayName: Type.String(), role: Type.String() });

/** Registers `/api/v1/org…`. */
export async function orgRoutes(app: FastifyInstance, opts: { workflow: WorkflowServices }): Promise<void> {
  const { org } = opts.workflow;
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const common = { tags: ['org'], security: [{ bearer: [] }] };
  r.get(
    '/api/v1/org/me',
    {
      preHandler: app.authenticate,
      schema: { ...common, summary: '我的单位与辖区 / my unit and area', response: { 200: Type.Object({ userId: Type.Integer(), username: Type.String(), role: Type.String(), unit: Type.Union([OrgUnitView, Type.Null()]), chain: Type.Array(Type.String()) }), 401: ErrorReply, 403: ErrorReply } },
    },
    async (req) => {
      const a = await org.actor(Number(req.user.sub));
      return { userId: a.userId!, username: a.username, role: a.role, unit: a.unit, chain: a.unit ? await org.chain(a.unit.code) : [] };
    },
  );
  r.get(
    '/api/v1/org/units',
    { preHandler: app.authenticate, schema: { ...common, summary: '组织单位（可按上级或层级筛选）/ org units', querystring: OrgUnitsQuery, response: { 200: Type.Array(OrgUnitView), 400: ErrorReply, 401: ErrorReply } } },
    async (req) => org.listUnits({ parent: req.query.parent, tier: req.query.tier }),
  );
  r.get(
    '/api/v1/org/units/:code',
    {
      preHandler: app.authenticate,
      schema: { ...common, summary: '单位详情与人员 / a unit and its people', params: Type.Object({ code: Type.String({ maxLength: 64 }) }), response: { 200: Type.Object({ unit: OrgUnitView, chain: Type.Array(Type.String()), members: Type.Array(Member) }), 401: ErrorReply, 404: ErrorReply } },
    },
    async (req) => {
      const unit = await org.unit(req.params.code);
      if (!unit) throw CommonErrors.NOT_FOUND('单位不存在 / unit not found');
      return { unit, chain: await org.chain(unit.code), members: await org.members(unit.code) };
    },
  );
}
