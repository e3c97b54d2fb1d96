/** The one error handler: catalogue errors and validation failures become `ErrorReply` bodies. */
import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { AppError, CommonErrors } from '../../common/errors.ts';
import { Counter, metricOnce, type Registry } from '../../common/metrics.ts';

/** Registers the error and not-found handlers. */
export const errorsPlugin = fp(async (app: FastifyInstance, opts: { registry: Registry }) => {
  const r = opts.registry;
  const refused = metricOnce(r, 'yzg_http_refused_total', () => new Counter({ name: 'yzg_http_refused_total', help: 'HTTP requests refused, by code', labelNames: ['code'], registers: [r] }));

  app.setErrorHandler((err: FastifyError | AppError, req, reply) => {
    let body: { statusCode: number; code: string; error: string; message: string; details?: unknown };
    if (err instanceof AppError) {
      body = { statusCode: err.statusCode, code: err.code, error: STATUS_CODES[err.statusCode] ?? 'Error', message: err.message, details: err.details };
    } else if ((err as FastifyError).validation) {
      const e = CommonErrors.VALIDATION_FAILED();
      const details = (err as FastifyError).validation?.map((v) => ({ path: v.instancePath || '/', message: v.message }));
      body = { statusCode: 400, code: e.code, error: 'Bad Request', message: `${e.message}: ${err.message}`, details };
    } else if (typeof (err as FastifyError).statusCode === 'number' && (err as FastifyError).statusCode! < 500) {
      // Fastify's own refusals: malformed JSON, wrong content type, body too large…
      const fe = err as FastifyError;
      body = { statusCode: fe.statusCode!, code: fe.code ?? 'BAD_REQUEST', error: 'Bad Request', message: fe.message };
    } else {
      req.log.error({ err }, 'unhandled error');
      const e = CommonErrors.INTERNAL();
      body = { statusCode: 500, code: e.code, error: 'Internal Server Error', message: e.message };
    }
    refused.inc({ code: body.code });
    return reply.status(body.statusCode).send(body);
  });
});
