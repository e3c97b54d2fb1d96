/** Alarms raised by the sensor rules, and their append-only history. */
import type { Pool, PoolClient } from '../db/pool.ts';
import { withTransaction } from '../db/transaction.ts';

/** Kinds of alarm. */
export type AlarmKind = 'depth' | 'offline' | 'flatline' | 'rainstorm';
/** States of an alarm. */
export type AlarmState = 'active' | 'acknowledged' | 'cleared';

/** An alarm row. */
export interface AlarmRow {
  id: number;
  sourceSn: string;
  kind: AlarmKind;
  level: number;
  state: AlarmState;
  title: string;
  regionCode: string;
  lat: number | null;
  lon: number | null;
  raisedAt: string;
  updatedAt: string;
  ackedAt: string | null;
  ackedBy: string | null;
  clearedAt: string | null;
  assignee: string | null;
  details: Record<string, unknown>;
  eventId: number | null;
}

/** One history entry. */
export interface AlarmHistoryRow {
  at: string;
  actor: string;
  action: string;
  level: number | null;
  note: string | null;
}

const COLS = `id::int, source_sn AS "sourceSn", kind, level, state, title, region_code AS "regionCode", lat, lon,
  raised_at AS "raisedAt", updated_at AS "updatedAt", acked_at AS "ackedAt", acked_by AS "ackedBy",
  cleared_at AS "clearedAt", assignee, details, event_id::int AS "eventId"`;

/** Reads and writes `alarm` and `alarm_history`. */
export class AlarmRepository {
  constructor(private readonly db: Pool) {}

  private tx<T>(fn: (c: PoolClient) => Promise<T>): Promise<T> {
    return withTransaction(this.db, fn);
  }


  /** The open (not cleared) alarm of a source and kind, or null. */
  async findOpen(sourceSn: string, kind: AlarmKind): Promise<AlarmRow | null> {
    const r = await this.db.query<AlarmRow>(`SELECT ${COLS} FROM alarm WHERE source_sn = $1 AND kind = $2 AND state <> 'cleared'`, [sourceSn, kind]);
    return r.rows[0] ?? null;
  }

  /** One alarm by id, or null. */
  async find(id: number): Promise<AlarmRow | null> {
    const r = await this.db.query<AlarmRow>(`SELECT ${COLS} FROM alarm WHERE id = $1`, [id]);
    return r.rows[0] ?? null;
  }

  /** Raises a new alarm (with its first history row). */
  async raise(a: { sourceSn: string; kind: AlarmKind; level: number; title: string; regionCode: string; lat: number | null; lon: number | null; at: Date; details: Record<string, unknown> }): Promise<AlarmRow> {
    return this.tx(async (c) => {
      const r = await c.query<AlarmRow>(
        `INSERT INTO alarm (source_sn, kind, level, state, title, region_code, lat, lon, raised_at, updated_at, details)
         VALUES ($1, $2, $3, 'active', $4, $5, $6, $7, $8, $8, $9) RETURNING ${COLS}`,
        [a.sourceSn, a.kind, a.level, a.title, a.regionCode, a.lat, a.lon, a.at, JSON.stringify(a.details)],
      );
      const row = r.rows[0]!;
      await c.query(`INSERT INTO alarm_history (alarm_id, at, actor, action, level) VALUES ($1, $2, 'system', 'raise', $3)`, [row.id, a.at, a.level]);
      return row;
    });
  }

  /** Changes the level of an open alarm; a rise makes an acknowledged alarm active again. */
  async changeLevel(id: number, level: number, at: Date, title: string, details: Record<string, unknown>): Promise<AlarmRow> {
    return this.tx(async (c) => {
      const prev = await c.query<{ level: number }>('SELECT level FROM alarm WHERE id = $1 FOR UPDATE', [id]);
      const rising = level > (prev.rows[0]?.level ?? 0);
      const r = await c.query<AlarmRow>(
        `UPDATE alarm SET level = $2, title = $3, details = $4, updated_at = $5,
                state = CASE WHEN $6 THEN 'active' ELSE state END
          WHERE id = $1 RETURNING ${COLS}`,
        [id, level, title, JSON.stringify(details), at, rising],
      );
      await c.query(`INSERT INTO alarm_history (alarm_id, at, actor, action, level) VALUES ($1, $2, 'system', $3, $4)`, [id, at, rising ? 'escalate' : 'lower', level]);
      return r.rows[0]!;
    });
  }

  /** Acknowledges an open alarm; false when it is cleared or already acknowledged. */
  async acknowledge(id: number, actor: string, at: Date, note?: string): Promise<AlarmRow | null> {
    return this.tx(async (c) => {
      const r = await c.query<AlarmRow>(
        `UPDATE alarm SET state = 'acknowledged', acked_at = $3, acked_by = $2, updated_at = $3 WHERE id = $1 AND state = 'active' RETURNING ${COLS}`,
        [id, actor, at],
      );
      if (r.rowCount === 0) return null;
      await c.query(`INSERT INTO alarm_history (alarm_id, at, actor, action, note) VALUES ($1, $2, $3, 'acknowledge', $4)`, [id, at, actor, note ?? null]);
      return r.rows[0]!;
    });
  }

  /** Sets who follows an open alarm up. */
  async assign(id: number, assignee: string, actor: string, at: Date): Promise<AlarmRow | null> {
    return this.tx(async (c) => {
      const r = await c.query<AlarmRow>(`UPDATE alarm SET assignee = $2, updated_at = $4 WHERE id = $1 AND state <> 'cleared' RETURNING ${COLS}`, [id, assignee, actor, at]);
      if (r.rowCount === 0) return null;
      await c.query(`INSERT INTO alarm_history (alarm_id, at, actor, action, note) VALUES ($1, $2, $3, 'assign', $4)`, [id, at, actor, assignee]);
      return r.rows[0]!;
    });
  }

  /** Clears an open alarm (the condition ended). */
  async clear(id: number, at: Date, note: string): Promise<AlarmRow> {
    return this.tx(async (c) => {
      const r = await c.query<AlarmRow>(`UPDATE alarm SET state = 'cleared', cleared_at = $2, updated_at = $2 WHERE id = $1 RETURNING ${COLS}`, [id, at]);
      await c.query(`INSERT INTO alarm_history (alarm_id, at, actor, action, note) VALUES ($1, $2, 'system', 'clear', $3)`, [id, at, note]);
      return r.rows[0]!;
    });
  }

  /** Links an alarm to the event it raised. */
  async setEvent(id: number, eventId: number): Promise<void> {
    await this.db.query('UPDATE alarm SET event_id = $2 WHERE id = $1', [id, eventId]);
  }

  /** Alarms in a region subtree (codes are hierarchical), newest first. */
  async list(opts: { regionPrefix: string; states: AlarmState[]; limit: number }): Promise<AlarmRow[]> {
    const r = await this.db.query<AlarmRow>(
      `SELECT ${COLS} FROM alarm WHERE region_code LIKE $1 || '%' AND state = ANY($2) ORDER BY (state = 'cleared'), level DESC, updated_at DESC LIMIT $3`,
      [opts.regionPrefix, opts.states, opts.limit],
    );
    return r.rows;
  }

  /** The history of an alarm, oldest first. */
  async history(id: number): Promise<AlarmHistoryRow[]> {
    const r = await this.db.query<AlarmHistoryRow>('SELECT at, actor, action, level, note FROM alarm_history WHERE alarm_id = $1 ORDER BY id', [id]);
    return r.rows;
  }

  /** Every open alarm (to resume rule state after a restart). */
  async listOpen(): Promise<AlarmRow[]> {
    const r = await this.db.query<AlarmRow>(`SELECT ${COLS} FROM alarm WHERE state <> 'cleared'`);
    return r.rows;
  }
}
