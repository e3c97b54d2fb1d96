/** Rain mode per town: read by everyone signed in, switched by duty officers. */
import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ErrorReply } from '../../../protocol/api.schema.ts';
import { RainModeView, SetRainModeBody } from '../../../protocol/sensing.schema.ts';
import type { SensingService } from '../../services/sensing.service.ts';

/** Registers `/api/v1/rain-mode…`. */
export async function rainModeRoutes(app: FastifyInstance, opts: { sensing: SensingService }): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.get(
    '/api/v1/rain-mode',
    { preHandler: app.authenticate, schema: { tags: ['rain-mode'], summary: '各镇街雨天模式与暴雨信号 / rain mode and signal of every town', security: [{ bearer: [] }], response: { 200: Type.Array(RainModeView) } } },
    async () => opts.sensing.rainModes(),
  );
  r.put(
    '/api/v1/rain-mode/:regionCode',
    {
      preHandler: app.requireRoles('admin', 'duty_officer'),
      schema: {
        tags: ['rain-mode'],
        summary: '切换镇街雨天模式 / switch a town\'s rain mode',
        security: [{ bearer: [] }],
        params: Type.Object({ regionCode: Type.String({ pattern: '^[0-9]{9}$' }) }),
        body: SetRainModeBody,
        response: { 200: RainModeView, 403: ErrorReply, 404: ErrorReply },
      },
    },
    async (req) => opts.sensing.setRainMode(req.params.regionCode, req.body.active, req.user.username),
  );
}
