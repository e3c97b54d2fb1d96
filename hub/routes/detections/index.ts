/** Detections of drone images: `GET /api/v1/media/:id/detections` (boxes, scores, places, events). */
import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ErrorReply } from '../../../protocol/api.schema.ts';
import { MediaDetectionsReply } from '../../../protocol/detection.schema.ts';
import type { DetectionService } from '../../services/detection.service.ts';

/** Registers the detection routes. */
export async function detectionRoutes(app: FastifyInstance, opts: { detection: DetectionService }): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.get(
    '/api/v1/media/:id/detections',
    {
      preHandler: app.authenticate,
      schema: {
        tags: ['media'],
        summary: '影像的检测结果（框、置信度、地面位置、关联事件）/ detections of an image',
        security: [{ bearer: [] }],
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        response: { 200: MediaDetectionsReply, 401: ErrorReply, 404: ErrorReply },
      },
    },
    async (req) => opts.detection.forMedia(req.params.id, req.user),
  );
}
