/** Flight records. */
import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ErrorReply } from '../../../protocol/api.schema.ts';
import { FlightView, FlightsQuery } from '../../../protocol/dock.schema.ts';
import type { FlightService } from '../../services/flight.service.ts';

/** Registers `GET /api/v1/flights` and `GET /api/v1/flights/{id}`. */
export async function flightRoutes(app: FastifyInstance, opts: { flights: FlightService }): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.get('/api/v1/flights', { preHandler: app.authenticate, schema: { tags: ['flights'], summary: '飞行记录 / flights, newest first', security: [{ bearer: [] }], querystring: FlightsQuery, response: { 200: Type.Array(FlightView), 400: ErrorReply, 401: ErrorReply } } }, async (req) => opts.flights.list(req.query));
  r.get('/api/v1/flights/:id', { preHandler: app.authenticate, schema: { tags: ['flights'], summary: '单次飞行（含航迹）/ one flight with its track', security: [{ bearer: [] }], params: Type.Object({ id: Type.Integer({ minimum: 1 }) }), response: { 200: FlightView, 401: ErrorReply, 404: ErrorReply } } }, async (req) => opts.flights.get(req.params.id));
}
