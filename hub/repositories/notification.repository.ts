/** In-app notifications, webhook endpoints, their deliveries and dead letters. */
import type { Pool } from '../db/pool.ts';
import type { NotificationRow } from './ticket.repository.ts';

/** A webhook endpoint. */
export interface WebhookEndpointRow {
  id: number;
  name: string;
  url: string;
  secret: string;
  kinds: string[];
  active: boolean;
  createdAt: Date;
}

/** A claimed delivery with what to send. */
export interface DeliveryJob {
  id: number;
  attempts: number;
  url: string;
  secret: string;
  endpointId: number;
  notification: NotificationRow;
}

const NOTE_COLS = `n.id::int, n.at, n.kind, n.ticket_id::int AS "ticketId", n.recipient_unit AS "recipientUnit",
  n.recipient_user_id AS "recipientUserId", n.title, n.body, n.read_at AS "readAt"`;

/** Reads and writes notifications and webhook deliveries. */
export class NotificationRepository {
  constructor(private readonly db: Pool) {}

  /** Notifications for a person or any of their units, newest first. */
  async listFor(userId: number, units: string[], limit: number): Promise<NotificationRow[]> {
    const r = await this.db.query<NotificationRow>(
      `SELECT ${NOTE_COLS} FROM notification n WHERE n.recipient_user_id = $1 OR n.recipient_unit = ANY($2::text[]) ORDER BY n.id DESC LIMIT $3`,
      [userId, units, limit],
    );
    return r.rows;
  }

  /** Marks one as read if it is addressed to the person or their units; returns whether it was. */
  async markRead(id: number, userId: number, units: string[], at: Date): Promise<boolean> {
    const r = await this.db.query(
      `UPDATE notification SET read_at = COALESCE(read_at, $4) WHERE id = $1 AND (recipient_user_id = $2 OR recipient_unit = ANY($3::text[]))`,
      [id, userId, units, at],
    );
    return r.rowCount === 1;
  }

  /** Registers an endpoint. */
  async insertEndpoint(e: Omit<WebhookEndpointRow, 'id' | 'active'>): Promise<WebhookEndpointRow> {
    const r = await this.db.query<WebhookEndpointRow>(
      `INSERT INTO webhook_endpoint (name, url, secret, kinds, created_at) VALUES ($1, $2, $3, $4, $5)
       RETURNING id, name, url, secret, kinds, active, created_at AS "createdAt"`,
      [e.name, e.url, e.secret, e.kinds, e.createdAt],
    );
    return r.rows[0]!;
  }

  /** Every endpoint. */
  async listEndpoints(): Promise<WebhookEndpointRow[]> {
    return (await this.db.query<WebhookEndpointRow>(`SELECT id, name, url, secret, kinds, active, created_at AS "createdAt" FROM webhook_endpoint ORDER BY id`)).rows;
  }

  /** Claims due deliveries under a lease (SKIP LOCKED). */
  async claimDeliveries(now: Date, leaseMs: number, limit: number): Promise<DeliveryJob[]> {
    const r = await this.db.query(
      `WITH claimed AS (
         UPDATE webhook_delivery SET lease_until = $1::timestamptz + make_interval(secs => $2::float8 / 1000)
          WHERE id IN (SELECT id FROM webhook_delivery
                        WHERE status = 'pending' AND next_attempt_at <= $1 AND (lease_until IS NULL OR lease_until < $1)
                        ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED)
          RETURNING id, attempts, endpoint_id, notification_id)
       SELECT c.id::int, c.attempts, w.url, w.secret, w.id AS "endpointId", row_to_json(x) AS notification
         FROM claimed c JOIN webhook_endpoint w ON w.id = c.endpoint_id
         JOIN LATERAL (SELECT ${NOTE_COLS} FROM notification n WHERE n.id = c.notification_id) x ON true`,
      [now, leaseMs, limit],
    );
    return r.rows.map((x) => ({ ...x, notification: { ...x.notification, at: new Date(x.notification.at) } }));
  }

  /** Records a successful delivery. */
  async markDelivered(id: number, at: Date): Promise<void> {
    await this.db.query(`UPDATE webhook_delivery SET status = 'delivered', attempts = attempts + 1, delivered_at = $2, lease_until = NULL WHERE id = $1`, [id, at]);
  }

  /** Records a failed attempt and when to retry. */
  async markRetry(id: number, error: string, nextAt: Date): Promise<void> {
    await this.db.query(`UPDATE webhook_delivery SET attempts = attempts + 1, last_error = $2, next_attempt_at = $3, lease_until = NULL WHERE id = $1`, [id, error, nextAt]);
  }

  /** Gives up on a delivery: marks it dead and appends it to the dead letters, atomically. */
  async markDead(job: DeliveryJob, error: string, payload: unknown, at: Date): Promise<void> {
    await this.db.query(
      `WITH d AS (UPDATE webhook_delivery SET status = 'dead', attempts = attempts + 1, last_error = $2, lease_until = NULL WHERE id = $1 RETURNING id, endpoint_id, notification_id, attempts)
       INSERT INTO webhook_dead_letter (delivery_id, endpoint_id, notification_id, payload, attempts, last_error, at)
       SELECT id, endpoint_id, notification_id, $3, attempts, $2, $4 FROM d`,
      [job.id, error, JSON.stringify(payload), at],
    );
  }

  /** Dead letters, newest first. */
  async deadLetters(limit: number): Promise<Array<{ id: number; deliveryId: number; endpointId: number; notificationId: number; attempts: number; lastError: string; at: Date }>> {
    const r = await this.db.query(
      `SELECT id::int, delivery_id::int AS "deliveryId", endpoint_id AS "endpointId", notification_id::int AS "notificationId", attempts, last_error AS "lastError", at
         FROM webhook_dead_letter ORDER BY id DESC LIMIT $1`,
      [limit],
    );
    return r.rows;
  }
}
