/**
 * Events: reported by people, systems (sensor alarms, detections) or Open311; each event opens
 * one ticket (stage 发现 detected) with its owners suggested by the routing rules. A repeat of an
 * open event from the same source joins it instead of opening another ticket.
 */
import type { Clock } from '../../common/clock.ts';
import { defineErrors } from '../../common/errors.ts';
import type { Logger } from '../../common/logger.ts';
import { depthBand, DEPTH_BANDS } from '../../protocol/bands.ts';
import type { EvidenceView } from '../../protocol/detection.schema.ts';
import type { CreateEventBody, EventSource, EventView } from '../../protocol/workflow.schema.ts';
import type { AuditRepository } from '../repositories/audit.repository.ts';
import type { EventRepository, EventRow } from '../repositories/event.repository.ts';
import type { TicketRepository } from '../repositories/ticket.repository.ts';
import type { Actor, OrgService } from './org.service.ts';
import type { RoutingService } from './routing.service.ts';
import type { TicketService } from './ticket.service.ts';

/** Errors of event intake. */
export const EventErrors = defineErrors({
  EVENT_NOT_FOUND: { status: 404, message: '事件不存在或不在您的辖区 / event not found in your area' },
  EVENT_REGION_UNKNOWN: { status: 400, message: '事件位置不在辖区内 / the event\'s place is not a known region' },
  EVENT_FORBIDDEN: { status: 403, message: '您无权上报此类事件 / you may not report events' },
});

/** The event as the API shows it. */
export function toEventView(e: EventRow): EventView {
  return { ...e, occurredAt: e.occurredAt.toISOString(), createdAt: e.createdAt.toISOString() };
}

/** Severity of a waterlogging depth: the depth band notice/warning/restrict/close → 1…4. */
export function waterloggingSeverity(depthMm: number): 1 | 2 | 3 | 4 {
  return Math.max(1, DEPTH_BANDS.indexOf(depthBand(depthMm))) as 1 | 2 | 3 | 4;
}

/** Takes events in and opens their tickets. */
export class EventService {
  constructor(
    private readonly events: EventRepository,
    private readonly tickets: TicketRepository,
    private readonly ticketService: TicketService,
    private readonly org: OrgService,
    private readonly routing: RoutingService,
    private readonly audit: AuditRepository,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  private evidenceOf?: (eventId: number) => Promise<EvidenceView[]>;

  /** Sets where an event's evidence (drone images with their detections) comes from. */
  setEvidence(fn: (eventId: number) => Promise<EvidenceView[]>): void {
    this.evidenceOf = fn;
  }

  /**
   * Reports an event; returns it with its ticket id (`joined` when it repeated an open event).
   * `actor` is the person (or the system) reporting; `contact` is a citizen's contact (Open311).
   */
  async reportEvent(body: CreateEventBody, actor: Actor, opts: { source?: EventSource; contact?: Record<string, unknown>; ip?: string } = {}): Promise<{ event: EventView; ticketId: number; joined: boolean }> {
    if (actor.kind === 'user' && actor.role === 'leader') throw EventErrors.EVENT_FORBIDDEN();
    const regionCode = await this.org.locate(body.lat, body.lon, body.regionCode);
    if (!regionCode) throw EventErrors.EVENT_REGION_UNKNOWN();
    const now = new Date(this.clock.nowMs());
    const source: EventSource = opts.source ?? body.source ?? (actor.role === 'grid_worker' ? 'grid_report' : actor.kind === 'system' ? 'sensor' : 'duty');
    const routed = await this.routing.route(body.type, body.severity, regionCode);
    const created = await this.tickets.createEventWithTicket(
      {
        type: body.type,
        severity: body.severity,
        title: body.title,
        description: body.description ?? '',
        measure: body.measure ?? {},
        lat: body.lat,
        lon: body.lon,
        regionCode,
        address: body.address ?? null,
        source,
        sourceRef: body.sourceRef ?? null,
        reporterUserId: actor.userId,
        reporterContact: opts.contact ?? null,
        occurredAt: body.occurredAt ? new Date(body.occurredAt) : now,
        createdAt: now,
      },
      {
        ownerUnits: routed.owners,
        routingRuleId: routed.ruleId,
        history: {
          actorKind: actor.kind,
          actorUserId: actor.userId,
          actorName: actor.kind === 'system' ? `系统 (${source})` : `${actor.displayName} (${actor.username})`,
          actorUnit: actor.unit?.code ?? null,
          action: 'detect',
          fromStage: null,
          toStage: 'detected',
          note: body.description ?? null,
          attachmentIds: [],
          details: { source, sourceRef: body.sourceRef ?? null, suggestedOwners: routed.owners, routingRuleId: routed.ruleId },
        },
      },
    );
    if (!created.joined) {
      await this.audit.append({ actorKind: actor.kind, actor: actor.username, action: 'event.report', target: String(created.eventId), details: { type: body.type, severity: body.severity, regionCode, ticketId: created.ticketId }, ip: opts.ip });
      this.log.info({ eventId: created.eventId, ticketId: created.ticketId, type: body.type, regionCode }, 'event reported');
      await this.ticketService.announceCreated(created.ticketId);
    }
    const event = await this.events.findEvent(created.eventId, { all: true });
    return { event: toEventView(event!), ticketId: created.ticketId, joined: created.joined };
  }

  /** Events the actor may see. */
  async list(actor: Actor, openOnly: boolean, limit: number): Promise<EventView[]> {
    return (await this.events.listEvents(actor.scope, { openOnly, limit })).map(toEventView);
  }

  /** One event the actor may see. */
  async get(actor: Actor, id: number): Promise<EventView> {
    const e = await this.events.findEvent(id, actor.scope);
    if (!e) throw EventErrors.EVENT_NOT_FOUND();
    return { ...toEventView(e), ...(this.evidenceOf ? { evidence: await this.evidenceOf(e.id) } : {}) };
  }
}
