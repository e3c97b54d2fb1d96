/** Field devices: sensors and docks, with their hashed MQTT secrets. */
import type { Pool } from '../db/pool.ts';
import type { DeviceKind } from '../../protocol/topics.ts';
import type { SensorView } from '../../protocol/api.schema.ts';

/** What the broker needs to authenticate a device. */
export interface DeviceCredentials {
  sn: string;
  kind: DeviceKind;
  secretHash: string;
  disabled: boolean;
}

/** A device to register. */
export interface NewDevice {
  sn: string;
  kind: DeviceKind;
  name: string;
  secretHash: string;
  lat: number;
  lon: number;
  regionCode: string;
}

/** Reads and writes `device`. */
export class DeviceRepository {
  constructor(private readonly db: Pool) {}

  /** Credentials of a device, or null when unknown. */
  async findCredentials(sn: string): Promise<DeviceCredentials | null> {
    const r = await this.db.query<DeviceCredentials>(
      'SELECT sn, kind, secret_hash AS "secretHash", disabled FROM device WHERE sn = $1',
      [sn],
    );
    return r.rows[0] ?? null;
  }

  /** Registers a device; false when that serial number already exists. */
  async insert(d: NewDevice): Promise<boolean> {
    const r = await this.db.query(
      `INSERT INTO device (sn, kind, name, secret_hash, lat, lon, region_code)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (sn) DO NOTHING`,
      [d.sn, d.kind, d.name, d.secretHash, d.lat, d.lon, d.regionCode],
    );
    return r.rowCount === 1;
  }

  /** Replaces a device's secret hash (credential rotation). */
  async setSecretHash(sn: string, secretHash: string): Promise<void> {
    await this.db.query('UPDATE device SET secret_hash = $2 WHERE sn = $1', [sn, secretHash]);
  }

  /** Records a device's online state; ignores a status older than the one stored. */
  async setOnline(sn: string, online: boolean, at: Date): Promise<void> {
    await this.db.query(
      'UPDATE device SET online = $2, status_at = $3 WHERE sn = $1 AND (status_at IS NULL OR status_at <= $3)',
      [sn, online, at],
    );
  }

  /** Serial numbers of all devices of a kind. */
  async listSerials(kind: DeviceKind): Promise<string[]> {
    const r = await this.db.query<{ sn: string }>('SELECT sn FROM device WHERE kind = $1 ORDER BY sn', [kind]);
    return r.rows.map((x) => x.sn);
  }

  /** Sensors with their region and latest reading (one index probe per sensor). */
  async listSensors(): Promise<SensorView[]> {
    const r = await this.db.query<SensorView & { latestRow: Record<string, unknown> | null }>(
      `SELECT d.sn, d.name, d.lat, d.lon, d.region_code AS "regionCode", rg.name AS "regionName", d.online,
              CASE WHEN l.sensor_sn IS NULL THEN NULL ELSE json_build_object(
                'seq', l.seq, 'ts', l.ts, 'depthMm', l.depth_mm, 'rainMmPerH', l.rain_mm_per_h,
                'batteryPct', l.battery_pct, 'rssiDbm', l.rssi_dbm, 'receivedAt', l.received_at) END AS latest
         FROM device d
         JOIN region rg ON rg.code = d.region_code
         LEFT JOIN LATERAL (
           SELECT * FROM sensor_reading s WHERE s.sensor_sn = d.sn ORDER BY s.ts DESC LIMIT 1
         ) l ON true
        WHERE d.kind = 'sensor' AND NOT d.disabled
        ORDER BY d.sn`,
    );
    return r.rows.map((row) => ({ ...row, latest: row.latest ? stripNulls(row.latest) : null }));
  }
}

function stripNulls<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null)) as T;
}
