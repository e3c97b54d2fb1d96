/** Registration of field devices and the sensor read API. */
import { CommonErrors, defineErrors } from '../../common/errors.ts';
import type { CreateDeviceBody, SensorView } from '../../protocol/api.schema.ts';
import type { SensorReading } from '../../protocol/sensor.schema.ts';
import type { DeviceRepository } from '../repositories/device.repository.ts';
import type { ReadingRepository } from '../repositories/reading.repository.ts';
import type { AuditRepository } from '../repositories/audit.repository.ts';
import type { RollupRepository, SeriesBucket, SeriesPoint } from '../repositories/rollup.repository.ts';
import { hashDeviceSecret, newDeviceSecret, type AuthService } from './auth.service.ts';

/** Errors of device management. */
export const DeviceErrors = defineErrors({
  DEVICE_EXISTS: { status: 409, message: '设备序列号已存在 / a device with this serial number exists' },
  DEVICE_NOT_FOUND: { status: 404, message: '设备不存在 / no such device' },
  REGION_NOT_FOUND: { status: 400, message: '区域编码不存在 / unknown region code' },
});

/** Who is acting, for the audit log. */
export interface Actor {
  username: string;
  ip?: string;
}

/** Device registry and sensor queries. */
export class DeviceService {
  constructor(
    private readonly devices: DeviceRepository,
    private readonly readingRepo: ReadingRepository,
    private readonly audit: AuditRepository,
    private readonly auth: AuthService,
    private readonly rollups?: RollupRepository,
  ) {}

  /** Registers a device and returns its secret, which is stored only as a hash. */
  async createDevice(body: CreateDeviceBody, actor: Actor): Promise<{ sn: string; kind: string; secret: string }> {
    const secret = newDeviceSecret();
    let created: boolean;
    try {
      created = await this.devices.insert({ ...body, secretHash: await hashDeviceSecret(secret) });
    } catch (err) {
      if ((err as { code?: string }).code === '23503') throw DeviceErrors.REGION_NOT_FOUND(undefined, { regionCode: body.regionCode });
      throw err;
    }
    await this.audit.append({
      actorKind: 'user',
      actor: actor.username,
      action: 'device.create',
      target: body.sn,
      outcome: created ? 'ok' : 'exists',
      details: { kind: body.kind, name: body.name },
      ip: actor.ip,
    });
    if (!created) throw DeviceErrors.DEVICE_EXISTS(undefined, { sn: body.sn });
    this.auth.forgetDevice(body.sn);
    return { sn: body.sn, kind: body.kind, secret };
  }

  /** All sensors with their latest reading. */
  listSensors(): Promise<SensorView[]> {
    return this.devices.listSensors();
  }

  /** Readings of a sensor between two times (default: the last 24 h). */
  async readings(sn: string, q: { from?: string; to?: string; limit?: number }): Promise<Array<SensorReading & { receivedAt: string }>> {
    const cred = await this.devices.findCredentials(sn);
    if (!cred || cred.kind !== 'sensor') throw DeviceErrors.DEVICE_NOT_FOUND(undefined, { sn });
    const to = q.to ?? new Date(Date.now() + 60_000).toISOString();
    const from = q.from ?? new Date(Date.parse(to) - 24 * 3600_000).toISOString();
    if (Date.parse(from) > Date.parse(to)) throw CommonErrors.VALIDATION_FAILED('from 必须早于 to / from must be before to');
    return this.readingRepo.list(sn, from, to, q.limit ?? 500);
  }

  /** A sensor's series; the bucket defaults to the finest that keeps the answer small. */
  async series(sn: string, q: { from?: string; to?: string; bucket?: SeriesBucket; limit?: number }): Promise<{ bucket: SeriesBucket; points: SeriesPoint[] }> {
    const cred = await this.devices.findCredentials(sn);
    if (!cred || cred.kind !== 'sensor') throw DeviceErrors.DEVICE_NOT_FOUND(undefined, { sn });
    if (!this.rollups) throw CommonErrors.UNAVAILABLE();
    const to = q.to ? new Date(q.to) : new Date(Date.now() + 60_000);
    const from = q.from ? new Date(q.from) : new Date(to.getTime() - 6 * 3600_000);
    if (from >= to) throw CommonErrors.VALIDATION_FAILED('from 必须早于 to / from must be before to');
    const spanH = (to.getTime() - from.getTime()) / 3600_000;
    const bucket = q.bucket ?? (spanH <= 6 ? '1m' : spanH <= 14 * 24 ? '1h' : '1d');
    return { bucket, points: await this.rollups.series(sn, from, to, bucket, q.limit ?? 5000) };
  }
}
