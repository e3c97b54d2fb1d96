/** Liveness, readiness and Prometheus metrics. */
import type { FastifyInstance } from 'fastify';
import type { Pool } from '../../db/pool.ts';
import type { Registry } from '../../../common/metrics.ts';

/** Registers `/healthz`, `/readyz` and `/metrics`. */
export async function healthRoutes(app: FastifyInstance, opts: { pool: Pool; registry: Registry; ingestConnected: () => boolean }): Promise<void> {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { schema: { hide: true } }, async (_req, reply) => {
    const checks: Record<string, boolean> = { database: false, mqtt: opts.ingestConnected() };
    try {
      await opts.pool.query('SELECT 1');
      checks.database = true;
    } catch {
      checks.database = false;
    }
    const ready = Object.values(checks).every(Boolean);
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not-ready', checks });
  });

  app.get('/metrics', { schema: { hide: true } }, async (_req, reply) => {
    reply.header('content-type', opts.registry.contentType);
    return opts.registry.metrics();
  });
}
