/** What the sensor rules need to know about each sensor: place, town, last time heard from. */
import type { Pool } from '../db/pool.ts';

/** A sensor's place and the last time the hub received a reading from it. */
export interface SensorMeta {
  sn: string;
  name: string;
  lat: number;
  lon: number;
  regionCode: string;
  /** The town (镇街) the sensor is in. */
  townCode: string;
  townName: string;
  lastReceivedAt: Date | null;
}

/** Reads sensors with their town. */
export class SensorMetaRepository {
  constructor(private readonly db: Pool) {}

  /** Every enabled sensor. */
  async list(): Promise<SensorMeta[]> {
    const r = await this.db.query<SensorMeta>(
      `SELECT d.sn, d.name, d.lat, d.lon, d.region_code AS "regionCode",
              coalesce(t.code, d.region_code) AS "townCode", coalesce(t.name, r.name) AS "townName",
              (SELECT max(received_at) FROM sensor_reading s WHERE s.sensor_sn = d.sn AND s.ts > now() - interval '1 day') AS "lastReceivedAt"
         FROM device d
         JOIN region r ON r.code = d.region_code
         LEFT JOIN region t ON t.level = 'town' AND d.region_code LIKE t.code || '%'
        WHERE d.kind = 'sensor' AND NOT d.disabled`,
    );
    return r.rows;
  }

  /** Name of a region. */
  async regionName(code: string): Promise<string> {
    const r = await this.db.query<{ name: string }>('SELECT name FROM region WHERE code = $1', [code]);
    return r.rows[0]?.name ?? code;
  }

  /** Every town (镇街) with its name. */
  async towns(): Promise<Array<{ code: string; name: string }>> {
    const r = await this.db.query<{ code: string; name: string }>("SELECT code, name FROM region WHERE level = 'town' ORDER BY code");
    return r.rows;
  }
}
