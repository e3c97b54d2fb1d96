/** `GET /api/v1/airspace`: the seeded keep-out and keep-in zones, read-only, for the cockpit's maps. */
import fs from 'node:fs';
import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ErrorReply } from '../../../protocol/api.schema.ts';
import { parseAirspace, type AirspaceZone } from '../../planning/airspace.ts';
import { AIRSPACE_FILE } from '../../tasks/patrol-planner.ts';

const Zone = Type.Object({
  id: Type.String(),
  nameZh: Type.String(),
  nameEn: Type.String(),
  kind: Type.Unsafe<'keep-out' | 'keep-in'>({ type: 'string', enum: ['keep-out', 'keep-in'] }),
  synthetic: Type.Boolean(),
  /** Polygon ring, [lon, lat]. */
  ring: Type.Array(Type.Array(Type.Number())),
});

/** Registers the airspace route; `file` defaults to the planner's airspace file. */
export async function airspaceRoutes(app: FastifyInstance, opts: { file?: string } = {}): Promise<void> {
  const zones: AirspaceZone[] = parseAirspace(JSON.parse(fs.readFileSync(opts.file ?? AIRSPACE_FILE, 'utf8'))).zones;
  const body = { zones: zones.map((z) => ({ ...z, synthetic: z.synthetic === true })) };
  app.withTypeProvider<TypeBoxTypeProvider>().get(
    '/api/v1/airspace',
    {
      preHandler: app.authenticate,
      schema: {
        tags: ['tasks'],
        summary: '空域：禁飞区与作业区（只读）/ airspace: keep-out and keep-in zones (read-only)',
        security: [{ bearer: [] }],
        response: { 200: Type.Object({ zones: Type.Array(Zone) }), 401: ErrorReply },
      },
    },
    async () => body,
  );
}
