/** Reads events (they are created with their ticket by `TicketRepository.createEventWithTicket`). */
import type { Pool } from '../db/pool.ts';
import { scopeCondition, type AreaScope } from './ticket.repository.ts';

/** An event row with its ticket. */
export interface EventRow {
  id: number;
  type: string;
  severity: number;
  title: string;
  description: string;
  lat: number;
  lon: number;
  regionCode: string;
  source: string;
  sourceRef: string | null;
  status: string;
  occurredAt: Date;
  createdAt: Date;
  ticketId: number | null;
}

const COLS = `e.id::int, e.type, e.severity, e.title, e.description, e.lat, e.lon, e.region_code AS "regionCode", e.source,
  e.source_ref AS "sourceRef", e.status, e.occurred_at AS "occurredAt", e.created_at AS "createdAt", t.id::int AS "ticketId"`;

/** Reads `event` inside an area scope (the scope of its ticket). */
export class EventRepository {
  constructor(private readonly db: Pool) {}

  /** One event inside the scope, or null. */
  async findEvent(id: number, scope: AreaScope): Promise<EventRow | null> {
    const params: unknown[] = [id];
    const cond = scopeCondition(scope, params);
    const r = await this.db.query<EventRow>(`SELECT ${COLS} FROM event e JOIN ticket t ON t.event_id = e.id WHERE e.id = $1 AND ${cond}`, params);
    return r.rows[0] ?? null;
  }

  /** Events inside the scope, newest first, optionally only open ones. */
  async listEvents(scope: AreaScope, opts: { openOnly: boolean; limit: number }): Promise<EventRow[]> {
    const params: unknown[] = [];
    const cond = scopeCondition(scope, params);
    params.push(opts.openOnly, opts.limit);
    const r = await this.db.query<EventRow>(
      `SELECT ${COLS} FROM event e JOIN ticket t ON t.event_id = e.id
        WHERE ${cond} AND (NOT $${params.length - 1}::boolean OR e.status = 'open') ORDER BY e.id DESC LIMIT $${params.length}`,
      params,
    );
    return r.rows;
  }
}

/** Open311 clients (a 12345 platform, a citizen app), identified by the SHA-256 of their API key. */
export class Open311ClientRepository {
  constructor(private readonly db: Pool) {}

  /** The active client with that key hash, or null. */
  async findByKeyHash(sha256: string): Promise<{ id: number; name: string } | null> {
    const r = await this.db.query('SELECT id, name FROM open311_client WHERE api_key_sha256 = $1 AND active', [sha256]);
    return r.rows[0] ?? null;
  }

  /** Registers a client unless one of that name exists; returns whether it was created. */
  async insertIfAbsent(name: string, sha256: string): Promise<boolean> {
    const r = await this.db.query('INSERT INTO open311_client (name, api_key_sha256) VALUES ($1, $2) ON CONFLICT DO NOTHING', [name, sha256]);
    return r.rowCount === 1;
  }
}
