/**
 * Tickets through the eight stages: loads the facts, asks the pure state machine, plans the SLA
 * clock on the working-day calendar, stores the transition atomically (version-checked, with its
 * history row, timers and notifications), audits it and pushes live messages.
 */
import crypto from 'node:crypto';
import type { Clock } from '../../common/clock.ts';
import type { Logger } from '../../common/logger.ts';
import type { EvidenceView } from '../../protocol/detection.schema.ts';
import { ACTION_LABELS_ZH, BAD_RATING_MAX, EVENT_TYPE_LABELS_ZH, type EventType, type TicketAction, type TicketActionBody, type TicketDetailView, type TicketListQuery, type TicketView } from '../../protocol/workflow.schema.ts';
import type { WorkflowOutbox } from '../workflow/workflow-outbox.ts';
import type { AuditRepository } from '../repositories/audit.repository.ts';
import type { NotificationRow, TicketPatch, TicketRepository, TicketRow, NewTimer, NewNotification } from '../repositories/ticket.repository.ts';
import { allowedTicketActions, decideTicketAction, WorkflowErrors, type ActionParams, type ActorFacts, type TicketFacts } from '../workflow/ticket-machine.ts';
import { WorkCalendar, DAY_MS, type TimeLimit } from '../workflow/work-calendar.ts';
import { SYSTEM_ACTOR, type Actor, type OrgService } from './org.service.ts';
import type { RoutingService } from './routing.service.ts';

/** Largest photo accepted, bytes. */
export const MAX_PHOTO_BYTES = 700 * 1024;

const OPEN_STAGES = new Set(['dispatched', 'handling', 'reported']);

/** A ticket as the API shows it, at time `nowMs`. */
export function toTicketView(t: TicketRow, nowMs: number): TicketView {
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  const overdue = t.closedOnTime === false || (OPEN_STAGES.has(t.stage) && t.dueAt !== null && nowMs > t.dueAt.getTime());
  return {
    id: t.id,
    no: t.no,
    eventId: t.eventId,
    eventType: t.eventType,
    severity: t.severity,
    title: t.title,
    regionCode: t.regionCode,
    lat: t.lat,
    lon: t.lon,
    stage: t.stage,
    version: t.version,
    ownerUnits: t.ownerUnits,
    assigneeUnit: t.assigneeUnit,
    assigneeUserId: t.assigneeUserId,
    handlerUserId: t.handlerUserId,
    verifierUserId: t.verifierUserId,
    verificationMethod: t.verificationMethod,
    escalationUnit: t.escalationUnit,
    escalationCount: t.escalationCount,
    supervisionCount: t.supervisionCount,
    reopenCount: t.reopenCount,
    dispatchedAt: iso(t.dispatchedAt),
    warnAt: iso(t.warnAt),
    dueAt: iso(t.dueAt),
    overdue,
    closedAt: iso(t.closedAt),
    closedOnTime: t.closedOnTime,
    rating: t.rating,
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
  };
}

/** Dependencies of the ticket service. */
export interface TicketServiceDeps {
  tickets: TicketRepository;
  org: OrgService;
  routing: RoutingService;
  audit: AuditRepository;
  calendar: WorkCalendar;
  clock: Clock;
  log: Logger;
  /** Live messages of the workflow (bridged to the WebSocket by the notification routes). */
  outbox: WorkflowOutbox;
}

/** Moves tickets through the workflow. */
export class TicketService {
  constructor(private readonly d: TicketServiceDeps) {}

  private now(): Date {
    return new Date(this.d.clock.nowMs());
  }

  /** Tickets the actor may see, filtered for a workbench queue. */
  async list(actor: Actor, q: TicketListQuery): Promise<TicketView[]> {
    const rows = await this.d.tickets.listTickets(actor.scope, {
      stages: q.stage,
      overdueAt: q.overdue ? this.now() : undefined,
      tier: q.tier,
      unit: q.unit,
      assigneeUserId: q.mine ? (actor.userId ?? -1) : undefined,
      eventType: q.eventType,
      limit: q.limit ?? 100,
      offset: q.offset ?? 0,
    });
    const now = this.d.clock.nowMs();
    return rows.map((r) => toTicketView(r, now));
  }

  private async load(actor: Actor, id: number): Promise<TicketRow> {
    const t = await this.d.tickets.findTicket(id, actor.scope);
    if (!t) throw WorkflowErrors.TICKET_NOT_FOUND();
    return t;
  }

  private evidenceOf?: (eventId: number) => Promise<EvidenceView[]>;

  /** Sets where the evidence of a ticket's event (drone images with their detections) comes from. */
  setEvidence(fn: (eventId: number) => Promise<EvidenceView[]>): void {
    this.evidenceOf = fn;
  }

  /** A ticket with its history and the actions the actor may take. */
  async detail(actor: Actor, id: number): Promise<TicketDetailView> {
    const t = await this.load(actor, id);
    const [history, revisits, facts, actorFacts] = await Promise.all([this.d.tickets.history(t.id), this.d.tickets.revisits(t.id), this.facts(t), this.actorFacts(actor, t)]);
    return {
      ticket: toTicketView(t, this.d.clock.nowMs()),
      history: history.map((h) => ({ ...h, at: h.at.toISOString(), attachmentIds: h.attachmentIds.map(Number) })),
      allowedActions: allowedTicketActions(facts, actorFacts),
      revisits: revisits.map((r) => ({ ...r, requestedAt: r.requestedAt.toISOString() })),
      ...(this.evidenceOf ? { evidence: await this.evidenceOf(t.eventId) } : {}),
    };
  }

  private async facts(t: TicketRow): Promise<TicketFacts> {
    const policy = await this.d.routing.timeLimit(t.eventType, t.severity);
    return {
      stage: t.stage,
      ownerUnits: t.ownerUnits,
      assigneeUnit: t.assigneeUnit,
      assigneeUserId: t.assigneeUserId,
      handlerUserId: t.handlerUserId,
      verifierUserId: t.verifierUserId,
      escalationUnit: t.escalationUnit,
      extendedWorkingDays: t.extendedWorkingDays,
      maxExtensionWorkingDays: policy?.maxExtensionWorkingDays ?? 10,
      reporterUserId: t.reporterUserId,
      rating: t.rating,
      clockRunning: t.dispatchedAt !== null && OPEN_STAGES.has(t.stage),
      revisitRequested: t.revisitRequested,
      revisitDone: t.revisitDone,
    };
  }

  private async actorFacts(actor: Actor, t: TicketRow): Promise<ActorFacts> {
    let above = false;
    if (actor.unit && t.assigneeUnit) above = (await this.d.org.chain(t.assigneeUnit)).includes(actor.unit.code);
    return {
      kind: actor.kind,
      userId: actor.userId,
      role: actor.role,
      unitCode: actor.unit?.code ?? null,
      tier: actor.unit?.tier ?? 4,
      inScope: true, // the ticket was loaded through the actor's scope
      aboveOrAtAssignee: above,
    };
  }

  /** SLA plan from `startMs` with the ticket's limit plus extensions: 80 % and 100 % points. */
  private plan(startMs: number, limit: TimeLimit, extendedWorkingDays: number): { warnAt: Date; dueAt: Date } {
    const cal = this.d.calendar;
    let dueMs = cal.limitPoint(startMs, limit, 1);
    if (extendedWorkingDays > 0) dueMs = cal.addWorkingMs(dueMs, extendedWorkingDays * DAY_MS);
    const totalWorkingMs = limit.unit === 'working_days' ? (limit.value + extendedWorkingDays) * DAY_MS : null;
    const warnMs = totalWorkingMs !== null ? cal.addWorkingMs(startMs, Math.round(0.8 * totalWorkingMs)) : startMs + Math.round(0.8 * (dueMs - startMs));
    return { warnAt: new Date(warnMs), dueAt: new Date(dueMs) };
  }

  /** The moment of overdue breach `n` (n ≥ 1): one more full limit after the due time. */
  private breachAt(t: TicketRow, n: number): Date {
    const limit: TimeLimit = { value: t.limitValue ?? 5, unit: t.limitUnit ?? 'working_days' };
    const dueMs = t.dueAt!.getTime();
    return new Date(limit.unit === 'hours' ? dueMs + n * limit.value * 3_600_000 : this.d.calendar.addWorkingMs(dueMs, n * limit.value * DAY_MS));
  }

  /** Takes an action on a ticket as a person; returns the ticket after it. */
  async act(actor: Actor, id: number, action: TicketAction, body: TicketActionBody, ip?: string): Promise<TicketView> {
    const t = await this.load(actor, id);
    if (body.version !== t.version) throw WorkflowErrors.TICKET_VERSION_CONFLICT(undefined, { currentVersion: t.version });
    const ids = body.attachmentIds ?? [];
    if ((await this.d.tickets.countAttachments(t.id, ids)) !== ids.length) throw WorkflowErrors.TICKET_EVIDENCE_REQUIRED('附件不属于该工单 / attachments must belong to this ticket');
    const params: ActionParams = { note: body.note, attachmentCount: ids.length, rating: body.rating, workingDays: body.workingDays, method: body.method };
    if (action === 'register') {
      if (body.ownerUnits) {
        for (const u of body.ownerUnits) if (!(await this.d.org.unit(u))) throw WorkflowErrors.TICKET_NO_OWNER(`责任单位不存在 / unknown unit ${u}`);
        params.ownerUnits = body.ownerUnits;
      } else if (t.ownerUnits.length === 0) {
        params.ownerUnits = (await this.d.routing.route(t.eventType, t.severity, t.regionCode)).owners;
      }
    }
    if (action === 'dispatch' && body.toUnit) {
      const chain = await this.d.org.chain(body.toUnit);
      if (chain.length === 0) throw WorkflowErrors.TICKET_TARGET_INVALID(`单位不存在 / unknown unit ${body.toUnit}`);
      params.toUnit = { code: body.toUnit, chain };
      if (body.toUserId !== undefined) {
        const m = await this.d.org.member(body.toUserId);
        if (!m || m.disabled) throw WorkflowErrors.TICKET_TARGET_INVALID('人员不存在 / unknown person');
        params.toUser = { id: m.userId, unitCode: m.unit?.code ?? null };
      }
    }
    if (action === 'escalate') params.escalateTo = await this.escalationTarget(t);
    const out = await this.transition(actor, t, action, params, { note: body.note ?? null, attachmentIds: ids }, ip);
    if (action === 'rate' && (body.rating ?? 5) <= BAD_RATING_MAX) {
      // 差评重办: a bad rating reopens the ticket at once, by the system.
      const reopened = await this.transition(SYSTEM_ACTOR, out, 'reopen', {}, { note: `差评（${body.rating}星）自动重办 / bad rating reopens`, attachmentIds: [] });
      return toTicketView(reopened, this.d.clock.nowMs());
    }
    if (action === 'request_revisit') await this.d.tickets.insertRevisit(t.id, actor.username, this.now());
    return toTicketView(out, this.d.clock.nowMs());
  }

  private async escalationTarget(t: TicketRow): Promise<string | null> {
    const from = t.escalationUnit ?? t.assigneeUnit ?? t.ownerUnits[0];
    if (!from) return null;
    return (await this.d.org.unit(from))?.parentCode ?? null;
  }

  /** Decides and stores one transition; throws catalogue errors. */
  private async transition(
    actor: Actor,
    t: TicketRow,
    action: TicketAction,
    params: ActionParams,
    record: { note: string | null; attachmentIds: number[]; details?: Record<string, unknown> },
    ip?: string,
    firedTimerId?: number,
    extra: { patch?: TicketPatch; timers?: NewTimer[]; notices?: NewNotification[] } = {},
  ): Promise<TicketRow> {
    const [facts, actorFacts] = await Promise.all([this.facts(t), this.actorFacts(actor, t)]);
    const decision = decideTicketAction(facts, actorFacts, action, params);
    if (!decision.ok) throw WorkflowErrors[decision.code]();
    const now = this.now();
    const { supervisionDelta, escalationDelta, reopenDelta, reworkDelta, ownerUnits, assigneeUnit, assigneeUserId, handlerUserId, verifierUserId, escalationUnit, extendedWorkingDays, rating } = decision.patch;
    const patch: TicketPatch = { stage: decision.to, supervisionDelta, escalationDelta, reopenDelta, reworkDelta, ownerUnits, assigneeUnit, assigneeUserId, handlerUserId, verifierUserId, escalationUnit, extendedWorkingDays, rating, ...extra.patch };
    let cancelTimers = false;
    const timers: NewTimer[] = [...(extra.timers ?? [])];
    const details: Record<string, unknown> = { ...record.details };

    if (action === 'dispatch') {
      patch.dispatcherUserId = actor.userId;
      Object.assign(details, { toUnit: params.toUnit?.code, toUserId: params.toUser?.id ?? null });
    }
    if (action === 'register') details.ownerUnits = decision.patch.ownerUnits;
    if (action === 'report') patch.reportedAt = now;
    if (action === 'close') {
      patch.closedAt = now;
      patch.verificationMethod = params.method ?? 'inspection';
      patch.closedOnTime = t.dueAt === null || now.getTime() <= t.dueAt.getTime();
      details.method = patch.verificationMethod;
    }
    if (action === 'rate') {
      patch.ratedAt = now;
      details.rating = params.rating;
    }
    if (action === 'reopen') Object.assign(patch, { closedAt: null, closedOnTime: null, reportedAt: null, rating: null, ratedAt: null });
    if (action === 'escalate') details.escalateTo = params.escalateTo;
    if (action === 'extend') details.workingDays = params.workingDays;

    if (decision.clock === 'start' || decision.clock === 'restart') {
      const policy = await this.d.routing.timeLimit(t.eventType, t.severity);
      const limit: TimeLimit = { value: policy?.limitValue ?? 5, unit: policy?.limitUnit ?? 'working_days' };
      const { warnAt, dueAt } = this.plan(now.getTime(), limit, 0);
      Object.assign(patch, { dispatchedAt: now, warnAt, dueAt, limitValue: limit.value, limitUnit: limit.unit, extendedWorkingDays: 0, escalationUnit: null });
      cancelTimers = true;
      timers.push({ kind: 'warn', breach: 0, dueAt: warnAt }, { kind: 'expire', breach: 0, dueAt: dueAt });
      Object.assign(details, { limit, dueAt: dueAt.toISOString(), warnAt: warnAt.toISOString() });
    } else if (decision.clock === 'stop') {
      cancelTimers = true;
      if (action === 'return') Object.assign(patch, { dispatchedAt: null, warnAt: null, dueAt: null });
    } else if (decision.clock === 'extend' && t.dispatchedAt) {
      const limit: TimeLimit = { value: t.limitValue ?? 5, unit: t.limitUnit ?? 'working_days' };
      const { warnAt, dueAt } = this.plan(t.dispatchedAt.getTime(), limit, extendedWorkingDays ?? 0);
      Object.assign(patch, { warnAt, dueAt });
      cancelTimers = true;
      if (warnAt > now) timers.push({ kind: 'warn', breach: 0, dueAt: warnAt });
      timers.push({ kind: 'expire', breach: 0, dueAt: dueAt });
      details.dueAt = dueAt.toISOString();
    }

    const label = `${ACTION_LABELS_ZH[action]}：${t.no} ${EVENT_TYPE_LABELS_ZH[t.eventType as EventType] ?? t.eventType} ${t.title}`;
    const notifications: NewNotification[] = [
      ...decision.notices.filter((n) => n.unit || n.userId).map((n) => ({ kind: n.kind, recipientUnit: n.unit ?? null, recipientUserId: n.userId ?? null, title: label, body: record.note ?? '' })),
      ...(extra.notices ?? []),
    ];
    const eventStatus = decision.to === 'closed' ? 'closed' : decision.to === 'cancelled' ? 'cancelled' : undefined;
    const result = await this.d.tickets.applyTransition({
      ticketId: t.id,
      expectedVersion: t.version,
      at: now,
      patch,
      history: {
        actorKind: actor.kind,
        actorUserId: actor.userId,
        actorName: actor.kind === 'system' ? '系统' : `${actor.displayName} (${actor.username})`,
        actorUnit: actor.unit?.code ?? null,
        action,
        fromStage: t.stage,
        toStage: decision.to,
        note: record.note,
        attachmentIds: record.attachmentIds,
        details,
      },
      cancelTimers,
      addTimers: timers,
      firedTimerId,
      notifications,
      eventStatus,
    });
    if (result === 'conflict') throw WorkflowErrors.TICKET_VERSION_CONFLICT();
    if (result === 'timer-gone') throw WorkflowErrors.TICKET_VERSION_CONFLICT('定时器已被处理 / timer already fired');
    await this.d.audit.append({ actorKind: actor.kind, actor: actor.username, action: `ticket.${action}`, target: t.no, details: { from: t.stage, to: decision.to, version: result.ticket.version }, ip });
    this.d.log.info({ ticketId: t.id, action, from: t.stage, to: decision.to, actor: actor.username }, 'ticket transition');
    this.publish(result.ticket, action, result.notifications);
    return result.ticket;
  }

  private publish(t: TicketRow, action: TicketAction | 'create', notes: NotificationRow[]): void {
    const at = t.updatedAt.toISOString();
    this.d.outbox.publish({ type: 'ticket', ticketId: t.id, no: t.no, action, stage: t.stage, version: t.version, regionCode: t.regionCode, assigneeUnit: t.assigneeUnit, ownerUnits: t.ownerUnits, at });
    for (const n of notes) {
      this.d.outbox.publish({ type: 'notification', id: n.id, kind: n.kind, ticketId: n.ticketId, recipientUnit: n.recipientUnit, recipientUserId: n.recipientUserId, title: n.title, at: n.at.toISOString() });
    }
  }

  /** Announces a new ticket (the event service calls this after creating it). */
  async announceCreated(ticketId: number): Promise<void> {
    const t = await this.d.tickets.findTicket(ticketId, { all: true });
    if (t) this.publish(t, 'create', []);
  }

  /** Stores a photo of a ticket the actor may see; returns its id. */
  async uploadPhoto(actor: Actor, id: number, contentType: string, dataBase64: string, kind: 'photo' | 'revisit' = 'photo'): Promise<{ id: number; sizeBytes: number; sha256: string }> {
    const t = await this.load(actor, id);
    const bytes = Buffer.from(dataBase64, 'base64');
    if (bytes.length === 0 || bytes.length > MAX_PHOTO_BYTES) throw WorkflowErrors.TICKET_EVIDENCE_REQUIRED(`照片须在 1 字节至 ${MAX_PHOTO_BYTES} 字节之间 / photo must be 1…${MAX_PHOTO_BYTES} bytes`);
    const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
    const attId = await this.d.tickets.insertAttachment({ ticketId: t.id, kind, contentType, bytes, sha256, uploadedBy: actor.username, at: this.now() });
    await this.d.audit.append({ actorKind: actor.kind, actor: actor.username, action: 'ticket.attach', target: t.no, details: { attachmentId: attId, sizeBytes: bytes.length, sha256 } });
    return { id: attId, sizeBytes: bytes.length, sha256 };
  }

  /** A photo of a ticket the actor may see. */
  async photo(actor: Actor, id: number, attachmentId: number): Promise<{ contentType: string; bytes: Buffer }> {
    const t = await this.load(actor, id);
    const a = await this.d.tickets.attachment(t.id, attachmentId);
    if (!a) throw WorkflowErrors.TICKET_NOT_FOUND('附件不存在 / attachment not found');
    return a;
  }

  /** The flight side attaches the images of a requested drone revisit (operator/admin). */
  async completeRevisit(actor: Actor, id: number, revisitId: number, attachmentIds: number[]): Promise<void> {
    const t = await this.load(actor, id);
    if ((await this.d.tickets.countAttachments(t.id, attachmentIds)) !== attachmentIds.length) throw WorkflowErrors.TICKET_EVIDENCE_REQUIRED('附件不属于该工单 / attachments must belong to this ticket');
    if (!(await this.d.tickets.completeRevisit(t.id, revisitId, attachmentIds, this.now()))) throw WorkflowErrors.TICKET_NOT_FOUND('复核申请不存在或已完成 / no open revisit request');
    await this.d.audit.append({ actorKind: actor.kind, actor: actor.username, action: 'ticket.revisit-done', target: t.no, details: { revisitId, attachmentIds } });
    this.publish(t, 'request_revisit', []);
  }

  /**
   * Fires the SLA timers due at the clock's now: 80 % → 督办 supervision notice; expiry → 督办 and
   * 升级 one tier up; every further full limit overdue → another escalation. Durable: timers are
   * rows, claimed under a lease and consumed in the same transaction as their ticket change.
   */
  async fireDueTimers(limit = 50): Promise<number> {
    const now = this.now();
    const due = await this.d.tickets.claimDueTimers(now, 60_000, limit);
    let fired = 0;
    for (const timer of due) {
      for (let attempt = 0; attempt < 3; attempt += 1) {
        try {
          if (await this.fireTimer(timer.id, timer.ticketId, timer.kind, timer.breach)) fired += 1;
          break;
        } catch (err) {
          const code = (err as { code?: string }).code;
          if (code === 'TICKET_VERSION_CONFLICT' && attempt < 2) continue;
          this.d.log.warn({ err: (err as Error).message, timerId: timer.id, ticketId: timer.ticketId }, 'timer not fired; will retry after its lease');
          break;
        }
      }
    }
    return fired;
  }

  private async fireTimer(timerId: number, ticketId: number, kind: 'warn' | 'expire' | 'breach', breach: number): Promise<boolean> {
    const t = await this.d.tickets.findTicket(ticketId, { all: true });
    if (!t || !OPEN_STAGES.has(t.stage) || !t.dueAt) {
      await this.d.tickets.consumeTimer(timerId, this.now());
      return false;
    }
    if (kind === 'warn') {
      await this.transition(SYSTEM_ACTOR, t, 'supervise', {}, { note: '办理时限已过 80%，自动督办 / 80 % of the time limit used', attachmentIds: [], details: { automatic: true, timer: 'warn' } }, undefined, timerId);
      return true;
    }
    const escalateTo = await this.escalationTarget(t);
    const next = breach + 1;
    const timers: NewTimer[] = escalateTo ? [{ kind: 'breach', breach: next, dueAt: this.breachAt(t, next) }] : [];
    const note = kind === 'expire' ? '已超期，自动督办并升级一级 / overdue: supervised and escalated one tier' : `超期第 ${next} 个时限，再升级一级 / overdue again: escalated one tier`;
    if (!escalateTo) {
      await this.transition(SYSTEM_ACTOR, t, 'supervise', {}, { note, attachmentIds: [], details: { automatic: true, timer: kind, breach } }, undefined, timerId);
      return true;
    }
    await this.transition(SYSTEM_ACTOR, t, 'escalate', { escalateTo }, { note, attachmentIds: [], details: { automatic: true, timer: kind, breach } }, undefined, timerId, {
      patch: { supervisionDelta: 1 },
      timers,
      notices: [{ kind: 'overdue', recipientUnit: t.assigneeUnit, recipientUserId: t.assigneeUserId, title: `超期督办：${t.no} ${t.title}`, body: note }],
    });
    return true;
  }
}
