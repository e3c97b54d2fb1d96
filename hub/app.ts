/** Builds the hub's Fastify app (no socket): plugins, routes, the cockpit. `server.ts` listens. */
import fs from 'node:fs';
import path from 'node:path';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import { Ajv } from 'ajv';
import ajvFormatsModule from 'ajv-formats';
import type { Logger } from '../common/logger.ts';
import type { Registry } from '../common/metrics.ts';
import { CommonErrors } from '../common/errors.ts';
import type { Pool } from './db/pool.ts';
import type { LiveBus } from './live/live-bus.ts';
import type { HubServices } from './services/index.ts';
import { errorsPlugin } from './plugins/errors.ts';
import { authPlugin } from './plugins/auth.ts';
import { healthRoutes } from './routes/health/index.ts';
import { authRoutes } from './routes/auth/index.ts';
import { sensorRoutes } from './routes/sensors/index.ts';
import { deviceRoutes } from './routes/devices/index.ts';
import { liveRoutes } from './routes/live/index.ts';
import { dockRoutes } from './routes/docks/index.ts';
import { flightRoutes } from './routes/flights/index.ts';
import { ticketRoutes } from './routes/tickets/index.ts';
import { eventRoutes } from './routes/events/index.ts';
import { orgRoutes } from './routes/org/index.ts';
import { routingRuleRoutes } from './routes/routing-rules/index.ts';
import { kpiRoutes } from './routes/kpis/index.ts';
import { open311Routes } from './routes/open311/index.ts';
import { notificationRoutes } from './routes/notifications/index.ts';

/** What the app needs from its composition root. */
export interface AppDeps {
  pool: Pool;
  services: HubServices;
  live: LiveBus;
  log: Logger;
  registry: Registry;
  jwtSecret: string;
  jwtTtlS: number;
  /** Folder of the built cockpit; served at `/` when it exists. */
  cockpitDir?: string;
  /** Whether the MQTT consumer is connected (for `/readyz`). */
  ingestConnected?: () => boolean;
}

const addFormats = ((ajvFormatsModule as unknown as { default?: typeof ajvFormatsModule }).default ?? ajvFormatsModule) as unknown as (ajv: Ajv) => Ajv;

/**
 * Validators: unknown properties are refused (never silently removed); query strings and path
 * parameters are coerced from text, bodies are not (a number is not a username).
 */
function validatorCompiler() {
  const make = (coerceTypes: false | 'array') => addFormats(new Ajv({ removeAdditional: false, coerceTypes, useDefaults: true, allErrors: true, strict: false }));
  const bodyAjv = make(false);
  const textAjv = make('array');
  return ({ schema, httpPart }: { schema: object; httpPart?: string }) => (httpPart === 'body' ? bodyAjv : textAjv).compile(schema);
}

/** Builds the app. Call `ready()` or `inject()` on it; `server.ts` makes it listen. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    // Request lines are logged at info; the http logger starts at warn to keep them out of the console.
    loggerInstance: deps.log.child({ module: 'http' }, { level: deps.log.level === 'silent' ? 'silent' : 'warn' }) as FastifyBaseLogger,
    bodyLimit: 1024 * 1024,
  });
  app.setValidatorCompiler(validatorCompiler());

  await app.register(errorsPlugin, { registry: deps.registry });
  await app.register(fastifySwagger, {
    openapi: {
      info: { title: '禺智管 hub API', version: '1' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, basic: { type: 'http', scheme: 'basic', description: '设备自身凭据 sn:secret / a device\'s own credentials' } } },
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
  await app.register(fastifyWebsocket, { options: { maxPayload: 64 * 1024 } });
  await app.register(authPlugin, { secret: deps.jwtSecret, ttlS: deps.jwtTtlS });

  await app.register(healthRoutes, { pool: deps.pool, registry: deps.registry, ingestConnected: deps.ingestConnected ?? (() => true) });
  await app.register(authRoutes, { auth: deps.services.auth, ttlS: deps.jwtTtlS });
  await app.register(sensorRoutes, { devices: deps.services.devices });
  await app.register(deviceRoutes, { devices: deps.services.devices });
  await app.register(liveRoutes, { live: deps.live });
  await app.register(dockRoutes, { docks: deps.services.docks.docks });
  await app.register(flightRoutes, { flights: deps.services.docks.flights });
  const workflow = deps.services.workflow;
  await app.register(ticketRoutes, { workflow });
  await app.register(eventRoutes, { workflow });
  await app.register(orgRoutes, { workflow });
  await app.register(routingRuleRoutes, { workflow });
  await app.register(kpiRoutes, { workflow });
  await app.register(open311Routes, { workflow });
  await app.register(notificationRoutes, { workflow, live: deps.live });

  const cockpitIndex = deps.cockpitDir ? path.join(deps.cockpitDir, 'index.html') : undefined;
  if (deps.cockpitDir && cockpitIndex && fs.existsSync(cockpitIndex)) {
    await app.register(fastifyStatic, { root: deps.cockpitDir, prefix: '/', wildcard: false, index: ['index.html'] });
  }
  app.setNotFoundHandler((req, reply) => {
    const isApi = req.url.startsWith('/api/') || req.url === '/api';
    // The cockpit is a single-page app: unknown non-API GETs get its index.html.
    if (!isApi && req.method === 'GET' && cockpitIndex && fs.existsSync(cockpitIndex)) {
      return reply.type('text/html').send(fs.createReadStream(cockpitIndex));
    }
    const e = CommonErrors.NOT_FOUND(`${req.method} ${req.url.split('?')[0]} 不存在 / not found`);
    return reply.status(404).send({ statusCode: 404, code: e.code, error: 'Not Found', message: e.message });
  });
  return app;
}
