/**
 * Events, tickets, their append-only history, attachments, drone revisits and SLA timers.
 * Area authorisation is enforced here: every read and write of a ticket takes the caller's
 * `AreaScope` and refuses rows outside it. Transitions are version-checked (optimistic
 * concurrency): a stale version changes nothing and reports a conflict.
 */
import type { Pool, PoolClient } from '../db/pool.ts';
import { withTransaction } from '../db/transaction.ts';
import type { TicketStage } from '../../protocol/workflow.schema.ts';

/** What a caller may see: everything, or a region subtree and/or the tickets routed/dispatched to some units. */
export type AreaScope = { all: true } | { all: false; regionPrefix: string | null; units: string[] };

/** A ticket row. */
export interface TicketRow {
  id: number;
  no: string;
  eventId: number;
  eventType: string;
  severity: number;
  title: string;
  regionCode: string;
  lat: number;
  lon: number;
  stage: TicketStage;
  version: number;
  ownerUnits: string[];
  routingRuleId: number | null;
  assigneeUnit: string | null;
  assigneeUserId: number | null;
  dispatcherUserId: number | null;
  handlerUserId: number | null;
  verifierUserId: number | null;
  verificationMethod: string | null;
  escalationUnit: string | null;
  escalationCount: number;
  supervisionCount: number;
  reopenCount: number;
  reworkCount: number;
  limitValue: number | null;
  limitUnit: 'working_days' | 'hours' | null;
  extendedWorkingDays: number;
  dispatchedAt: Date | null;
  warnAt: Date | null;
  dueAt: Date | null;
  reportedAt: Date | null;
  closedAt: Date | null;
  closedOnTime: boolean | null;
  rating: number | null;
  ratedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  /** From the event. */
  reporterUserId: number | null;
  revisitRequested: boolean;
  revisitDone: boolean;
}

/** One history row. */
export interface HistoryRow {
  version: number;
  at: Date;
  actorKind: 'user' | 'system';
  actorUserId: number | null;
  actorName: string;
  actorUnit: string | null;
  action: string;
  fromStage: string | null;
  toStage: string;
  note: string | null;
  attachmentIds: number[];
  details: Record<string, unknown>;
}

/** Columns a transition may set; `*Delta` add to counters. */
export interface TicketPatch {
  stage?: TicketStage;
  ownerUnits?: string[];
  routingRuleId?: number | null;
  assigneeUnit?: string | null;
  assigneeUserId?: number | null;
  dispatcherUserId?: number | null;
  handlerUserId?: number | null;
  verifierUserId?: number | null;
  verificationMethod?: string | null;
  escalationUnit?: string | null;
  limitValue?: number | null;
  limitUnit?: string | null;
  extendedWorkingDays?: number;
  dispatchedAt?: Date | null;
  warnAt?: Date | null;
  dueAt?: Date | null;
  reportedAt?: Date | null;
  closedAt?: Date | null;
  closedOnTime?: boolean | null;
  rating?: number | null;
  ratedAt?: Date | null;
  escalationDelta?: number;
  supervisionDelta?: number;
  reopenDelta?: number;
  reworkDelta?: number;
}

/** A timer to schedule. */
export interface NewTimer {
  kind: 'warn' | 'expire' | 'breach';
  breach: number;
  dueAt: Date;
}

/** A claimed timer. */
export interface TimerRow {
  id: number;
  ticketId: number;
  kind: 'warn' | 'expire' | 'breach';
  breach: number;
  dueAt: Date;
}

/** A notification to record with the transition. */
export interface NewNotification {
  kind: string;
  recipientUnit: string | null;
  recipientUserId: number | null;
  title: string;
  body: string;
}

/** A stored notification. */
export interface NotificationRow extends NewNotification {
  id: number;
  at: Date;
  ticketId: number | null;
  readAt: Date | null;
}

/** A transition to store atomically. */
export interface Transition {
  ticketId: number;
  expectedVersion: number;
  at: Date;
  patch: TicketPatch;
  history: Omit<HistoryRow, 'version' | 'at'>;
  /** Cancel every pending timer of the ticket before adding `addTimers`. */
  cancelTimers: boolean;
  addTimers: NewTimer[];
  /** A timer that this transition consumes (exactly once). */
  firedTimerId?: number;
  notifications: NewNotification[];
  /** New status of the ticket's event, when it changes. */
  eventStatus?: 'open' | 'closed' | 'cancelled';
}

/** A new event. */
export interface NewEvent {
  type: string;
  severity: number;
  title: string;
  description: string;
  measure: Record<string, number>;
  lat: number;
  lon: number;
  regionCode: string;
  address: string | null;
  source: string;
  sourceRef: string | null;
  reporterUserId: number | null;
  reporterContact: Record<string, unknown> | null;
  occurredAt: Date;
  createdAt: Date;
}

const TICKET_COLS = `t.id::int, t.no, t.event_id::int AS "eventId", t.event_type AS "eventType", t.severity, t.title, t.region_code AS "regionCode",
  t.lat, t.lon, t.stage, t.version, t.owner_units AS "ownerUnits", t.routing_rule_id AS "routingRuleId", t.assignee_unit AS "assigneeUnit",
  t.assignee_user_id AS "assigneeUserId", t.dispatcher_user_id AS "dispatcherUserId", t.handler_user_id AS "handlerUserId",
  t.verifier_user_id AS "verifierUserId", t.verification_method AS "verificationMethod", t.escalation_unit AS "escalationUnit",
  t.escalation_count AS "escalationCount", t.supervision_count AS "supervisionCount", t.reopen_count AS "reopenCount",
  t.rework_count AS "reworkCount", t.limit_value AS "limitValue", t.limit_unit AS "limitUnit",
  t.extended_working_days AS "extendedWorkingDays", t.dispatched_at AS "dispatchedAt", t.warn_at AS "warnAt", t.due_at AS "dueAt",
  t.reported_at AS "reportedAt", t.closed_at AS "closedAt", t.closed_on_time AS "closedOnTime", t.rating, t.rated_at AS "ratedAt",
  t.created_at AS "createdAt", t.updated_at AS "updatedAt", e.reporter_user_id AS "reporterUserId",
  EXISTS (SELECT 1 FROM ticket_revisit r WHERE r.ticket_id = t.id AND t.reported_at IS NOT NULL AND r.requested_at >= t.reported_at) AS "revisitRequested",
  EXISTS (SELECT 1 FROM ticket_revisit r WHERE r.ticket_id = t.id AND r.status = 'done' AND t.reported_at IS NOT NULL AND r.requested_at >= t.reported_at) AS "revisitDone"`;

const PATCH_COLUMNS: Record<string, string> = {
  stage: 'stage',
  ownerUnits: 'owner_units',
  routingRuleId: 'routing_rule_id',
  assigneeUnit: 'assignee_unit',
  assigneeUserId: 'assignee_user_id',
  dispatcherUserId: 'dispatcher_user_id',
  handlerUserId: 'handler_user_id',
  verifierUserId: 'verifier_user_id',
  verificationMethod: 'verification_method',
  escalationUnit: 'escalation_unit',
  limitValue: 'limit_value',
  limitUnit: 'limit_unit',
  extendedWorkingDays: 'extended_working_days',
  dispatchedAt: 'dispatched_at',
  warnAt: 'warn_at',
  dueAt: 'due_at',
  reportedAt: 'reported_at',
  closedAt: 'closed_at',
  closedOnTime: 'closed_on_time',
  rating: 'rating',
  ratedAt: 'rated_at',
  escalationDelta: 'escalation_count',
  supervisionDelta: 'supervision_count',
  reopenDelta: 'reopen_count',
  reworkDelta: 'rework_count',
};

/** SQL condition (on alias `t`) that keeps tickets inside `scope`; pushes its parameters. */
export function scopeCondition(scope: AreaScope, params: unknown[]): string {
  if (scope.all) return 'true';
  params.push(scope.regionPrefix);
  const p = params.length;
  params.push(scope.units);
  const u = params.length;
  return `(($${p}::text IS NOT NULL AND t.region_code LIKE $${p}::text || '%') OR t.owner_units && $${u}::text[]
    OR t.assignee_unit = ANY($${u}::text[]) OR t.escalation_unit = ANY($${u}::text[]))`;
}

/** Filters of a ticket list. */
export interface TicketFilter {
  stages?: TicketStage[];
  overdueAt?: Date;
  tier?: number;
  unit?: string;
  assigneeUserId?: number;
  eventType?: string;
  limit: number;
  offset: number;
}

/** Reads and writes events and tickets. */
export class TicketRepository {
  constructor(private readonly db: Pool) {}

  private tx<T>(fn: (c: PoolClient) => Promise<T>): Promise<T> {
    return withTransaction(this.db, fn);
  }


  /**
   * Creates an event and its ticket (stage detected) with the first history row. A repeat of an
   * open event (same source, source ref and type) creates nothing and returns the open one.
   */
  async createEventWithTicket(e: NewEvent, t: { ownerUnits: string[]; routingRuleId: number | null; history: Omit<HistoryRow, 'version' | 'at'> }): Promise<{ eventId: number; ticketId: number; joined: boolean }> {
    return this.tx(async (c) => {
      const ins = await c.query<{ id: string }>(
        `INSERT INTO event (type, severity, title, description, measure, lat, lon, region_code, address, source, source_ref, reporter_user_id, reporter_contact, occurred_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
         ON CONFLICT (source, source_ref, type) WHERE status = 'open' AND source_ref IS NOT NULL DO NOTHING RETURNING id`,
        [e.type, e.severity, e.title, e.description, JSON.stringify(e.measure), e.lat, e.lon, e.regionCode, e.address, e.source, e.sourceRef, e.reporterUserId, e.reporterContact ? JSON.stringify(e.reporterContact) : null, e.occurredAt, e.createdAt],
      );
      if (ins.rowCount === 0) {
        const open = await c.query<{ eventId: string; ticketId: string }>(
          `SELECT e.id AS "eventId", t.id AS "ticketId" FROM event e JOIN ticket t ON t.event_id = e.id
            WHERE e.source = $1 AND e.source_ref = $2 AND e.type = $3 AND e.status = 'open'`,
          [e.source, e.sourceRef, e.type],
        );
        const row = open.rows[0]!;
        return { eventId: Number(row.eventId), ticketId: Number(row.ticketId), joined: true };
      }
      const eventId = Number(ins.rows[0]!.id);
      const day = new Date(e.createdAt.getTime() + 8 * 3_600_000).toISOString().slice(0, 10).replaceAll('-', '');
      const tk = await c.query<{ id: string }>(
        `INSERT INTO ticket (no, event_id, event_type, severity, title, region_code, lat, lon, stage, owner_units, routing_rule_id, created_at, updated_at)
         VALUES ('YZG-' || $1 || '-' || lpad(currval('event_id_seq')::text, 6, '0'), $2, $3, $4, $5, $6, $7, $8, 'detected', $9, $10, $11, $11) RETURNING id`,
        [day, eventId, e.type, e.severity, e.title, e.regionCode, e.lat, e.lon, t.ownerUnits, t.routingRuleId, e.createdAt],
      );
      const ticketId = Number(tk.rows[0]!.id);
      await this.insertHistory(c, ticketId, 1, e.createdAt, t.history);
      return { eventId, ticketId, joined: false };
    });
  }

  private async insertHistory(c: PoolClient, ticketId: number, version: number, at: Date, h: Omit<HistoryRow, 'version' | 'at'>): Promise<void> {
    await c.query(
      `INSERT INTO ticket_history (ticket_id, version, at, actor_kind, actor_user_id, actor_name, actor_unit, action, from_stage, to_stage, note, attachment_ids, details)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      [ticketId, version, at, h.actorKind, h.actorUserId, h.actorName, h.actorUnit, h.action, h.fromStage, h.toStage, h.note, h.attachmentIds, JSON.stringify(h.details)],
    );
  }

  /** A ticket inside the scope, or null (absent and out-of-area look the same). */
  async findTicket(id: number, scope: AreaScope): Promise<TicketRow | null> {
    const params: unknown[] = [id];
    const cond = scopeCondition(scope, params);
    const r = await this.db.query<TicketRow>(`SELECT ${TICKET_COLS} FROM ticket t JOIN event e ON e.id = t.event_id WHERE t.id = $1 AND ${cond}`, params);
    return r.rows[0] ?? null;
  }

  /** A ticket by its number inside the scope, or null. */
  async findTicketByNo(no: string, scope: AreaScope): Promise<TicketRow | null> {
    const params: unknown[] = [no];
    const cond = scopeCondition(scope, params);
    const r = await this.db.query<TicketRow>(`SELECT ${TICKET_COLS} FROM ticket t JOIN event e ON e.id = t.event_id WHERE t.no = $1 AND ${cond}`, params);
    return r.rows[0] ?? null;
  }

  /** Tickets inside the scope matching the filter, newest first. */
  async listTickets(scope: AreaScope, f: TicketFilter): Promise<TicketRow[]> {
    const params: unknown[] = [];
    const conds = [scopeCondition(scope, params)];
    if (f.stages?.length) {
      params.push(f.stages);
      conds.push(`t.stage = ANY($${params.length}::text[])`);
    }
    if (f.overdueAt) {
      params.push(f.overdueAt);
      conds.push(`t.due_at < $${params.length} AND t.stage IN ('dispatched', 'handling', 'reported')`);
    }
    if (f.tier !== undefined) {
      params.push(f.tier);
      conds.push(`EXISTS (SELECT 1 FROM org_unit o WHERE o.code = COALESCE(t.assignee_unit, t.owner_units[1]) AND o.tier = $${params.length})`);
    }
    if (f.unit) {
      params.push(f.unit);
      conds.push(`(t.assignee_unit = $${params.length} OR $${params.length} = ANY(t.owner_units) OR t.escalation_unit = $${params.length})`);
    }
    if (f.assigneeUserId !== undefined) {
      params.push(f.assigneeUserId);
      conds.push(`t.assignee_user_id = $${params.length}`);
    }
    if (f.eventType) {
      params.push(f.eventType);
      conds.push(`t.event_type = $${params.length}`);
    }
    params.push(f.limit, f.offset);
    const r = await this.db.query<TicketRow>(
      `SELECT ${TICKET_COLS} FROM ticket t JOIN event e ON e.id = t.event_id WHERE ${conds.join(' AND ')}
        ORDER BY t.updated_at DESC, t.id DESC LIMIT $${params.length - 1} OFFSET $${params.length}`,
      params,
    );
    return r.rows;
  }

  /** The history of a ticket, oldest first (the caller has checked the scope). */
  async history(ticketId: number): Promise<HistoryRow[]> {
    const r = await this.db.query<HistoryRow>(
      `SELECT version, at, actor_kind AS "actorKind", actor_user_id AS "actorUserId", actor_name AS "actorName", actor_unit AS "actorUnit",
              action, from_stage AS "fromStage", to_stage AS "toStage", note, attachment_ids::int[] AS "attachmentIds", details
         FROM ticket_history WHERE ticket_id = $1 ORDER BY version`,
      [ticketId],
    );
    return r.rows;
  }

  /**
   * Stores a transition atomically: the version-checked update, the history row, timers,
   * notifications (with a webhook delivery per matching endpoint) and the event's status.
   * Returns the new row and the notifications, or `conflict` / `timer-gone` with nothing changed.
   */
  async applyTransition(tr: Transition): Promise<{ ticket: TicketRow; notifications: NotificationRow[] } | 'conflict' | 'timer-gone'> {
    const c = await this.db.connect();
    try {
      await c.query('BEGIN');
      const params: unknown[] = [tr.ticketId, tr.expectedVersion, tr.at];
      const sets = ['version = version + 1', 'updated_at = $3'];
      for (const [key, value] of Object.entries(tr.patch)) {
        const col = PATCH_COLUMNS[key];
        if (!col || value === undefined) continue;
        params.push(value);
        sets.push(key.endsWith('Delta') ? `${col} = ${col} + $${params.length}` : `${col} = $${params.length}`);
      }
      const up = await c.query<{ version: number }>(`UPDATE ticket SET ${sets.join(', ')} WHERE id = $1 AND version = $2 RETURNING version`, params);
      if (up.rowCount === 0) {
        await c.query('ROLLBACK');
        return 'conflict';
      }
      if (tr.firedTimerId !== undefined) {
        const f = await c.query('UPDATE ticket_timer SET fired_at = $2 WHERE id = $1 AND fired_at IS NULL AND cancelled_at IS NULL', [tr.firedTimerId, tr.at]);
        if (f.rowCount === 0) {
          await c.query('ROLLBACK');
          return 'timer-gone';
        }
      }
      const version = up.rows[0]!.version;
      await this.insertHistory(c, tr.ticketId, version, tr.at, tr.history);
      if (tr.cancelTimers) {
        await c.query('UPDATE ticket_timer SET cancelled_at = $2 WHERE ticket_id = $1 AND fired_at IS NULL AND cancelled_at IS NULL', [tr.ticketId, tr.at]);
      }
      for (const tm of tr.addTimers) {
        await c.query('INSERT INTO ticket_timer (ticket_id, kind, breach, due_at) VALUES ($1, $2, $3, $4)', [tr.ticketId, tm.kind, tm.breach, tm.dueAt]);
      }
      const notifications: NotificationRow[] = [];
      for (const n of tr.notifications) {
        const r = await c.query<NotificationRow>(
          `INSERT INTO notification (at, kind, ticket_id, recipient_unit, recipient_user_id, title, body) VALUES ($1, $2, $3, $4, $5, $6, $7)
           RETURNING id::int, at, kind, ticket_id::int AS "ticketId", recipient_unit AS "recipientUnit", recipient_user_id AS "recipientUserId", title, body, read_at AS "readAt"`,
          [tr.at, n.kind, tr.ticketId, n.recipientUnit, n.recipientUserId, n.title, n.body],
        );
        const row = r.rows[0]!;
        notifications.push(row);
        await c.query(
          `INSERT INTO webhook_delivery (notification_id, endpoint_id, next_attempt_at)
           SELECT $1, id, $2 FROM webhook_endpoint WHERE active AND (cardinality(kinds) = 0 OR $3 = ANY(kinds))`,
          [row.id, tr.at, n.kind],
        );
      }
      if (tr.eventStatus) {
        await c.query(`UPDATE event SET status = $2, closed_at = CASE WHEN $2 = 'open' THEN NULL ELSE $3::timestamptz END WHERE id = (SELECT event_id FROM ticket WHERE id = $1)`, [tr.ticketId, tr.eventStatus, tr.at]);
      }
      const t = await c.query<TicketRow>(`SELECT ${TICKET_COLS} FROM ticket t JOIN event e ON e.id = t.event_id WHERE t.id = $1`, [tr.ticketId]);
      await c.query('COMMIT');
      return { ticket: t.rows[0]!, notifications };
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      c.release();
    }
  }

  /** Claims due timers under a lease (SKIP LOCKED: several hub nodes can scan at once). */
  async claimDueTimers(now: Date, leaseMs: number, limit: number): Promise<TimerRow[]> {
    const r = await this.db.query<TimerRow>(
      `UPDATE ticket_timer SET lease_until = $1::timestamptz + make_interval(secs => $2::float8 / 1000)
        WHERE id IN (SELECT id FROM ticket_timer
                      WHERE fired_at IS NULL AND cancelled_at IS NULL AND due_at <= $1 AND (lease_until IS NULL OR lease_until < $1)
                      ORDER BY due_at LIMIT $3 FOR UPDATE SKIP LOCKED)
        RETURNING id::int, ticket_id::int AS "ticketId", kind, breach, due_at AS "dueAt"`,
      [now, leaseMs, limit],
    );
    return r.rows.sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
  }

  /** Marks a timer consumed without a transition (its ticket moved on). */
  async consumeTimer(id: number, at: Date): Promise<void> {
    await this.db.query('UPDATE ticket_timer SET fired_at = $2 WHERE id = $1 AND fired_at IS NULL', [id, at]);
  }

  /** Pending timers of a ticket, by due time. */
  async pendingTimers(ticketId: number): Promise<TimerRow[]> {
    const r = await this.db.query<TimerRow>(
      `SELECT id::int, ticket_id::int AS "ticketId", kind, breach, due_at AS "dueAt" FROM ticket_timer
        WHERE ticket_id = $1 AND fired_at IS NULL AND cancelled_at IS NULL ORDER BY due_at`,
      [ticketId],
    );
    return r.rows;
  }

  /** Stores an attachment; returns its id. */
  async insertAttachment(a: { ticketId: number; kind: 'photo' | 'revisit'; contentType: string; bytes: Buffer; sha256: string; uploadedBy: string; at: Date }): Promise<number> {
    const r = await this.db.query<{ id: string }>(
      `INSERT INTO ticket_attachment (ticket_id, kind, content_type, size_bytes, sha256, bytes, uploaded_by, uploaded_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
      [a.ticketId, a.kind, a.contentType, a.bytes.length, a.sha256, a.bytes, a.uploadedBy, a.at],
    );
    return Number(r.rows[0]!.id);
  }

  /** An attachment of a ticket, or null. */
  async attachment(ticketId: number, id: number): Promise<{ contentType: string; bytes: Buffer } | null> {
    const r = await this.db.query('SELECT content_type AS "contentType", bytes FROM ticket_attachment WHERE id = $1 AND ticket_id = $2', [id, ticketId]);
    return r.rows[0] ?? null;
  }

  /** How many of `ids` are attachments of the ticket. */
  async countAttachments(ticketId: number, ids: number[]): Promise<number> {
    if (ids.length === 0) return 0;
    const r = await this.db.query<{ n: number }>('SELECT count(*)::int AS n FROM ticket_attachment WHERE ticket_id = $1 AND id = ANY($2::bigint[])', [ticketId, ids]);
    return r.rows[0]!.n;
  }

  /** Records a drone revisit request; returns its id. */
  async insertRevisit(ticketId: number, requestedBy: string, at: Date): Promise<number> {
    const r = await this.db.query<{ id: string }>('INSERT INTO ticket_revisit (ticket_id, requested_by, requested_at) VALUES ($1, $2, $3) RETURNING id', [ticketId, requestedBy, at]);
    return Number(r.rows[0]!.id);
  }

  /** Attaches images to a requested revisit and marks it done; false when there is no such open request. */
  async completeRevisit(ticketId: number, revisitId: number, attachmentIds: number[], at: Date): Promise<boolean> {
    const r = await this.db.query(
      `UPDATE ticket_revisit SET status = 'done', attachment_ids = $3, done_at = $4 WHERE id = $2 AND ticket_id = $1 AND status = 'requested'`,
      [ticketId, revisitId, attachmentIds, at],
    );
    return r.rowCount === 1;
  }

  /** Revisits of a ticket. */
  async revisits(ticketId: number): Promise<Array<{ id: number; status: string; requestedAt: Date; attachmentIds: number[] }>> {
    const r = await this.db.query(
      `SELECT id::int, status, requested_at AS "requestedAt", attachment_ids::int[] AS "attachmentIds" FROM ticket_revisit WHERE ticket_id = $1 ORDER BY id`,
      [ticketId],
    );
    return r.rows;
  }
}
