/**
 * Notifications: in-app (stored, pushed live) and the outbound webhook channel for SMS/IM
 * gateways — signed POSTs with exponential retries; a delivery that exhausts its attempts is
 * appended to the dead letters.
 */
import crypto from 'node:crypto';
import type { Clock } from '../../common/clock.ts';
import { defineErrors } from '../../common/errors.ts';
import type { Logger } from '../../common/logger.ts';
import type { CreateWebhookBody, NotificationView } from '../../protocol/workflow.schema.ts';
import type { AuditRepository } from '../repositories/audit.repository.ts';
import type { DeliveryJob, NotificationRepository } from '../repositories/notification.repository.ts';
import type { Actor } from './org.service.ts';

/** Errors of notifications. */
export const NotificationErrors = defineErrors({
  NOTIFICATION_NOT_FOUND: { status: 404, message: '通知不存在 / notification not found' },
});

/** Retry policy of webhook deliveries. */
export interface WebhookPolicy {
  maxAttempts: number;
  /** First retry delay; doubles each attempt. */
  baseDelayMs: number;
  timeoutMs: number;
}

/** Default policy: 5 attempts, 30 s, 60 s, 120 s, 240 s apart; 5 s timeout each. */
export const DEFAULT_WEBHOOK_POLICY: WebhookPolicy = { maxAttempts: 5, baseDelayMs: 30_000, timeoutMs: 5_000 };

/** Lists notifications and delivers webhooks. */
export class NotificationService {
  constructor(
    private readonly repo: NotificationRepository,
    private readonly audit: AuditRepository,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly policy: WebhookPolicy = DEFAULT_WEBHOOK_POLICY,
  ) {}

  /** The actor's notifications (to them or their units), newest first. */
  async list(actor: Actor, limit = 100): Promise<NotificationView[]> {
    const rows = await this.repo.listFor(actor.userId ?? -1, actor.units, limit);
    return rows.map((n) => ({ ...n, at: n.at.toISOString(), readAt: n.readAt ? n.readAt.toISOString() : null }));
  }

  /** Marks one of the actor's notifications read. */
  async markRead(actor: Actor, id: number): Promise<void> {
    if (!(await this.repo.markRead(id, actor.userId ?? -1, actor.units, new Date(this.clock.nowMs())))) throw NotificationErrors.NOTIFICATION_NOT_FOUND();
  }

  /** Registers an outbound webhook (admin); audited. */
  async registerWebhook(b: CreateWebhookBody, by: { username: string; ip?: string }): Promise<{ id: number; name: string; url: string; kinds: string[] }> {
    const row = await this.repo.insertEndpoint({ name: b.name, url: b.url, secret: b.secret, kinds: b.kinds ?? [], createdAt: new Date(this.clock.nowMs()) });
    await this.audit.append({ actorKind: 'user', actor: by.username, action: 'webhook.create', target: String(row.id), details: { name: b.name, url: b.url, kinds: row.kinds }, ip: by.ip });
    return { id: row.id, name: row.name, url: row.url, kinds: row.kinds };
  }

  /** Webhook endpoints without their secrets. */
  async listWebhooks() {
    return (await this.repo.listEndpoints()).map(({ secret: _secret, createdAt, ...e }) => ({ ...e, createdAt: createdAt.toISOString() }));
  }

  /** Dead letters, newest first. */
  async deadLetters(limit = 100) {
    return (await this.repo.deadLetters(limit)).map((d) => ({ ...d, at: d.at.toISOString() }));
  }

  /** Delivers the due webhook deliveries once; returns how many were attempted. */
  async deliverDue(limit = 20): Promise<number> {
    const jobs = await this.repo.claimDeliveries(new Date(this.clock.nowMs()), this.policy.timeoutMs * 2, limit);
    await Promise.all(jobs.map((j) => this.deliver(j)));
    return jobs.length;
  }

  private async deliver(job: DeliveryJob): Promise<void> {
    const n = job.notification;
    const payload = { id: n.id, kind: n.kind, ticketId: n.ticketId, recipientUnit: n.recipientUnit, recipientUserId: n.recipientUserId, title: n.title, body: n.body, at: n.at.toISOString() };
    const text = JSON.stringify(payload);
    const signature = crypto.createHmac('sha256', job.secret).update(text).digest('hex');
    let error: string | null = null;
    try {
      const res = await fetch(job.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-yzg-signature': `sha256=${signature}`, 'x-yzg-delivery': String(job.id) },
        body: text,
        signal: AbortSignal.timeout(this.policy.timeoutMs),
      });
      if (!res.ok) error = `HTTP ${res.status}`;
      await res.body?.cancel().catch(() => undefined);
    } catch (err) {
      error = (err as Error).message;
    }
    const now = this.clock.nowMs();
    if (error === null) {
      await this.repo.markDelivered(job.id, new Date(now));
      return;
    }
    const attempts = job.attempts + 1;
    if (attempts >= this.policy.maxAttempts) {
      await this.repo.markDead(job, error, payload, new Date(now));
      this.log.warn({ deliveryId: job.id, endpointId: job.endpointId, attempts, error }, 'webhook delivery dead-lettered');
    } else {
      await this.repo.markRetry(job.id, error, new Date(now + this.policy.baseDelayMs * 2 ** (attempts - 1)));
    }
  }
}
