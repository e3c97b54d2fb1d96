/** KPIs within your area: closure rate, on-time closure rate, time per stage. */
import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ErrorReply } from '../../../protocol/api.schema.ts';
import { KpiQuery, KpiRow } from '../../../protocol/workflow.schema.ts';
import type { WorkflowServices } from '../../services/index.ts';

/** Registers `GET /api/v1/kpis`. */
export async function kpiRoutes(app: FastifyInstance, opts: { workflow: WorkflowServices }): Promise<void> {
  const { kpis, org } = opts.workflow;
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.get(
    '/api/v1/kpis',
    {
      preHandler: app.authenticate,
      schema: {
        tags: ['kpis'],
        security: [{ bearer: [] }],
        summary: '考核指标（结案率、按期结案率、各环节平均用时）/ KPIs',
        querystring: KpiQuery,
        response: { 200: Type.Array(KpiRow), 400: ErrorReply, 401: ErrorReply },
      },
    },
    async (req) => kpis.kpis(await org.actor(Number(req.user.sub)), req.query),
  );
}
