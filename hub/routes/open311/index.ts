/**
 * Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2) under `/api/open311/v2`: JSON
 * formats only (`.json`); POST accepts form-encoded bodies as the spec requires. Errors use the
 * spec's `[{ code, description }]` shape.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import Type from 'typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { AppError } from '../../../common/errors.ts';
import type { WorkflowServices } from '../../services/index.ts';

const Num = Type.Union([Type.Number(), Type.String({ pattern: '^-?[0-9]+(\\.[0-9]+)?$' })]);
const Text = (max: number) => Type.String({ maxLength: max });
const CreateBody = Type.Object(
  {
    api_key: Text(200),
    service_code: Text(60),
    lat: Type.Optional(Num),
    long: Type.Optional(Num),
    address_string: Type.Optional(Text(300)),
    address_id: Type.Optional(Text(100)),
    description: Type.Optional(Text(4000)),
    email: Type.Optional(Text(200)),
    first_name: Type.Optional(Text(100)),
    last_name: Type.Optional(Text(100)),
    phone: Type.Optional(Text(40)),
    device_id: Type.Optional(Text(100)),
    account_id: Type.Optional(Text(100)),
    media_url: Type.Optional(Text(500)),
  },
  { additionalProperties: false },
);
const QueryString = Type.Object(
  {
    api_key: Type.Optional(Text(200)),
    service_request_id: Type.Optional(Text(2000)),
    service_code: Type.Optional(Text(60)),
    start_date: Type.Optional(Type.String({ format: 'date-time' })),
    end_date: Type.Optional(Type.String({ format: 'date-time' })),
    status: Type.Optional(Type.String({ pattern: '^(open|closed)(,(open|closed))?$' })),
  },
  { additionalProperties: false },
);

/** Registers the GeoReport v2 endpoints (an encapsulated plugin: its parser and error format stay inside). */
export async function open311Routes(app: FastifyInstance, opts: { workflow: WorkflowServices }): Promise<void> {
  const gw = opts.workflow.open311;
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  app.setErrorHandler((err: FastifyError | AppError, req, reply) => {
    if (err instanceof AppError) return reply.status(err.statusCode).send([{ code: err.statusCode, description: `${err.code}: ${err.message}` }]);
    if ((err as FastifyError).validation) return reply.status(400).send([{ code: 400, description: `VALIDATION_FAILED: ${err.message}` }]);
    const status = (err as FastifyError).statusCode ?? 500;
    if (status >= 500) req.log.error({ err }, 'open311 error');
    return reply.status(status).send([{ code: status, description: status >= 500 ? 'INTERNAL' : err.message }]);
  });
  const common = { tags: ['open311'] };

  r.get('/api/open311/v2/services.json', { schema: { ...common, summary: 'GeoReport v2 服务列表 / service list' } }, async () => gw.services());

  r.post('/api/open311/v2/requests.json', { schema: { ...common, summary: 'GeoReport v2 提交服务请求 / file a request', body: CreateBody } }, async (req, reply) => {
    const b = req.body;
    const out = await gw.create({ ...b, lat: b.lat === undefined ? undefined : Number(b.lat), long: b.long === undefined ? undefined : Number(b.long) });
    return reply.status(201).send(out);
  });

  r.get('/api/open311/v2/requests.json', { schema: { ...common, summary: 'GeoReport v2 查询服务请求 / query requests', querystring: QueryString } }, async (req) => gw.query(req.query));

  r.get(
    '/api/open311/v2/requests/:file',
    { schema: { ...common, summary: 'GeoReport v2 单个服务请求 / one request ({id}.json)', params: Type.Object({ file: Type.String({ pattern: '^[A-Za-z0-9-]+\\.json$' }) }), querystring: Type.Object({ api_key: Type.Optional(Text(200)) }) } },
    async (req) => gw.get(req.query.api_key, req.params.file.replace(/\.json$/, '')),
  );
}
