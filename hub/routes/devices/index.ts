/** Device registration (administrators). */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { CreateDeviceBody, CreateDeviceReply, ErrorReply } from '../../../protocol/api.schema.ts';
import type { DeviceService } from '../../services/device.service.ts';

/** Registers `POST /api/v1/devices`. */
export async function deviceRoutes(app: FastifyInstance, opts: { devices: DeviceService }): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.post(
    '/api/v1/devices',
    {
      preHandler: app.requireRoles('admin'),
      schema: {
        tags: ['devices'],
        summary: '登记设备并签发密钥 / register a device and issue its secret',
        security: [{ bearer: [] }],
        body: CreateDeviceBody,
        response: { 201: CreateDeviceReply, 400: ErrorReply, 401: ErrorReply, 403: ErrorReply, 409: ErrorReply },
      },
    },
    async (req, reply) => {
      const created = await opts.devices.createDevice(req.body, { username: req.user.username, ip: req.ip });
      return reply.status(201).send(created);
    },
  );
}
