/** Sensors and their readings. */
import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ErrorReply, LatestReading, ReadingsQuery, SensorView } from '../../../protocol/api.schema.ts';
import { SERIAL_PATTERN } from '../../../protocol/topics.ts';
import { SeriesPointView, SeriesQuery } from '../../../protocol/sensing.schema.ts';
import type { DeviceService } from '../../services/device.service.ts';

/** Registers `GET /api/v1/sensors` and `GET /api/v1/sensors/{sn}/readings`. */
export async function sensorRoutes(app: FastifyInstance, opts: { devices: DeviceService }): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.get(
    '/api/v1/sensors',
    {
      preHandler: app.authenticate,
      schema: { tags: ['sensors'], summary: '传感器列表及最新读数 / sensors with their latest reading', security: [{ bearer: [] }], response: { 200: Type.Array(SensorView), 401: ErrorReply } },
    },
    async () => opts.devices.listSensors(),
  );

  r.get(
    '/api/v1/sensors/:sn/readings',
    {
      preHandler: app.authenticate,
      schema: {
        tags: ['sensors'],
        summary: '传感器历史读数 / readings of a sensor',
        security: [{ bearer: [] }],
        params: Type.Object({ sn: Type.String({ pattern: SERIAL_PATTERN }) }),
        querystring: ReadingsQuery,
        response: { 200: Type.Array(LatestReading), 400: ErrorReply, 401: ErrorReply, 404: ErrorReply },
      },
    },
    async (req) => opts.devices.readings(req.params.sn, req.query),
  );

  r.get(
    '/api/v1/sensors/:sn/series',
    {
      preHandler: app.authenticate,
      schema: {
        tags: ['sensors'],
        summary: '传感器时序（可选聚合粒度）/ time series of a sensor at a chosen bucket',
        description: 'bucket: raw, 1m, 1h or 1d; without it, 1m up to 6 h, 1h up to 14 days, 1d beyond.',
        security: [{ bearer: [] }],
        params: Type.Object({ sn: Type.String({ pattern: SERIAL_PATTERN }) }),
        querystring: SeriesQuery,
        response: { 200: Type.Object({ bucket: Type.String(), points: Type.Array(SeriesPointView) }), 400: ErrorReply, 404: ErrorReply },
      },
    },
    async (req) => opts.devices.series(req.params.sn, req.query),
  );
}
