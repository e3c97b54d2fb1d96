/**
 * Drone images. Uploads are resumable and idempotent by SHA-256:
 *   POST /api/v1/media/uploads            announce {sha256, bytes, mime, pose, sortieId?, …} →
 *                                         200 `complete` (already stored) | 201/200 `pending` + offset
 *   HEAD /api/v1/media/uploads/:sha256    `Upload-Offset` / `Upload-Length` headers
 *   PUT  /api/v1/media/uploads/:sha256    a chunk (`Content-Range: bytes a-b/total`, body octets);
 *                                         the last one stores the image → 201 `complete`
 * Docks upload with their own device credentials (HTTP Basic `sn:secret`); people with a bearer
 * token (administrators, operators, duty officers). Reading needs a person's token (or `?token=`
 * for `<img>` tags).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { CommonErrors } from '../../../common/errors.ts';
import { ErrorReply } from '../../../protocol/api.schema.ts';
import { MediaListQuery, MediaListReply, MediaUploadBody, MediaUploadReply, MediaView } from '../../../protocol/media.schema.ts';
import type { Role } from '../../../protocol/roles.ts';
import type { AuthService } from '../../services/auth.service.ts';
import { parseContentRange, type MediaActor, type MediaService } from '../../services/media.service.ts';

/** People who may upload images by hand. */
const UPLOADER_ROLES: Role[] = ['admin', 'operator', 'duty_officer'];
const Sha = Type.Object({ sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }) });
const Id = Type.Object({ id: Type.Integer({ minimum: 1 }) });

/** Registers the media routes. */
export async function mediaRoutes(app: FastifyInstance, opts: { media: MediaService; auth: AuthService; maxBytes: number }): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  // Chunks arrive as raw bytes; this parser is scoped to these routes (no fastify-plugin wrapper).
  app.addContentTypeParser(['application/octet-stream', 'image/jpeg', 'image/png', 'image/webp'], { parseAs: 'buffer', bodyLimit: opts.maxBytes }, (_req, body, done) => done(null, body));

  /** preHandler: a dock by its own credentials, or a person allowed to upload. */
  const uploader = async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const h = req.headers.authorization;
    if (h?.startsWith('Basic ')) {
      const [sn, ...rest] = Buffer.from(h.slice(6), 'base64').toString('utf8').split(':');
      const device = sn && rest.length ? await opts.auth.authenticateDevice(sn, rest.join(':')) : null;
      if (!device) throw CommonErrors.UNAUTHENTICATED('设备凭据无效 / invalid device credentials');
      if (device.kind !== 'dock') throw CommonErrors.FORBIDDEN('只有机库可以上传影像 / only docks upload images');
      req.mediaActor = { kind: 'device', sn: device.sn, ip: req.ip };
      return;
    }
    await app.authenticate(req, reply);
    if (!UPLOADER_ROLES.includes(req.user.role)) throw CommonErrors.FORBIDDEN(`需要角色 / requires role: ${UPLOADER_ROLES.join(', ')}`);
    req.mediaActor = { kind: 'user', username: req.user.username, role: req.user.role, ip: req.ip };
  };
  const actor = (req: FastifyRequest): MediaActor => req.mediaActor!;
  const security: Array<Record<string, string[]>> = [{ bearer: [] }, { basic: [] }];
  const errors = { 400: ErrorReply, 401: ErrorReply, 403: ErrorReply, 404: ErrorReply, 409: ErrorReply, 413: ErrorReply, 415: ErrorReply, 422: ErrorReply };

  r.post(
    '/api/v1/media/uploads',
    { preHandler: uploader, schema: { tags: ['media'], summary: '登记影像上传（按 SHA-256 幂等）/ announce an image upload (idempotent by SHA-256)', security, body: MediaUploadBody, response: { 200: MediaUploadReply, 201: MediaUploadReply, ...errors } } },
    async (req, reply) => {
      const { reply: out, created } = await opts.media.announce(req.body, actor(req));
      return reply.status(created ? 201 : 200).send(out);
    },
  );

  r.head(
    '/api/v1/media/uploads/:sha256',
    { preHandler: uploader, schema: { tags: ['media'], summary: '查询已接收字节数 / bytes received so far', security, params: Sha } },
    async (req, reply) => {
      const s = await opts.media.uploadStatus(req.params.sha256);
      return reply.header('upload-offset', String(s.offset)).header('upload-length', String(s.bytes)).header('upload-status', s.status).status(200).send();
    },
  );

  r.put(
    '/api/v1/media/uploads/:sha256',
    { preHandler: uploader, bodyLimit: opts.maxBytes, schema: { tags: ['media'], summary: '上传一个分片（Content-Range）/ upload a chunk (Content-Range)', security, params: Sha, response: { 200: MediaUploadReply, 201: MediaUploadReply, ...errors } } },
    async (req, reply) => {
      const body = req.body;
      if (!Buffer.isBuffer(body) || body.length === 0) throw CommonErrors.VALIDATION_FAILED('请求体应为图像字节（application/octet-stream）/ the body must be the image bytes (application/octet-stream)');
      const range = parseContentRange(req.headers['content-range'], body.length);
      const { reply: out, created } = await opts.media.receiveChunk(req.params.sha256, range, body, actor(req)).catch((err: unknown) => {
        // tell the client where to resume, as HEAD would
        const offset = (err as { details?: { offset?: unknown } }).details?.offset;
        if (typeof offset === 'number') reply.header('upload-offset', String(offset));
        throw err;
      });
      return reply.header('upload-offset', String(out.offset)).status(created ? 201 : 200).send(out);
    },
  );

  r.get(
    '/api/v1/media',
    { preHandler: app.authenticate, schema: { tags: ['media'], summary: '影像列表（按架次、飞行、任务、范围、时间）/ images by sortie, flight, task, area and time', security: [{ bearer: [] }], querystring: MediaListQuery, response: { 200: MediaListReply, 400: ErrorReply, 401: ErrorReply } } },
    async (req) => ({ items: await opts.media.list(req.query, req.user) }),
  );

  r.get(
    '/api/v1/media/:id',
    { preHandler: app.authenticate, schema: { tags: ['media'], summary: '单张影像的信息 / one image', security: [{ bearer: [] }], params: Id, response: { 200: MediaView, 401: ErrorReply, 404: ErrorReply } } },
    async (req) => opts.media.get(req.params.id, req.user),
  );

  for (const variant of ['file', 'thumb'] as const) {
    r.get(
      `/api/v1/media/:id/${variant}`,
      { preHandler: app.authenticate, schema: { tags: ['media'], summary: variant === 'file' ? '原图 / the original image' : '缩略图 / the thumbnail', security: [{ bearer: [] }], params: Id } },
      async (req, reply) => {
        const f = await opts.media.file(req.params.id, variant === 'file' ? 'original' : 'thumb', req.user);
        return reply
          .header('content-type', f.mime)
          .header('content-length', String(f.bytes))
          .header('etag', `"${f.sha256}${variant === 'thumb' ? '-t' : ''}"`)
          .header('cache-control', 'private, max-age=31536000, immutable')
          .send(f.stream);
      },
    );
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Who uploads, set by the media upload guard. */
    mediaActor?: MediaActor;
  }
}
