/**
 * Public intake over Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2): the service
 * list, filing a request (→ an event and its ticket) and reading requests back with their status.
 * Callers are registered systems (a 12345 platform, a citizen app) identified by an API key.
 */
import crypto from 'node:crypto';
import { defineErrors } from '../../common/errors.ts';
import { EVENT_TYPES, EVENT_TYPE_LABELS_ZH, STAGE_LABELS_ZH, type EventType, type TicketStage } from '../../protocol/workflow.schema.ts';
import type { Open311ClientRepository } from '../repositories/event.repository.ts';
import type { TicketRepository, TicketRow } from '../repositories/ticket.repository.ts';
import type { OrgService } from './org.service.ts';
import { SYSTEM_ACTOR } from './org.service.ts';
import type { EventService } from './event.service.ts';

/** Errors of the Open311 endpoint. */
export const Open311Errors = defineErrors({
  OPEN311_API_KEY_INVALID: { status: 403, message: 'api_key 无效 / invalid api_key' },
  OPEN311_SERVICE_UNKNOWN: { status: 404, message: 'service_code 不存在 / unknown service_code' },
  OPEN311_REQUEST_NOT_FOUND: { status: 404, message: '服务请求不存在 / service request not found' },
  OPEN311_LOCATION_REQUIRED: { status: 400, message: '须提供 lat 与 long / lat and long are required' },
});

/** Event types citizens may file (device alarms are not theirs). */
const PUBLIC_TYPES = EVENT_TYPES.filter((t) => t !== 'device_alarm' && t !== 'sensor_offline');

/** A GeoReport v2 service. */
export interface Open311Service {
  service_code: string;
  service_name: string;
  description: string;
  metadata: boolean;
  type: 'realtime';
  keywords: string;
  group: string;
}

/** A GeoReport v2 service request. */
export interface Open311Request {
  service_request_id: string;
  status: 'open' | 'closed';
  status_notes: string;
  service_name: string;
  service_code: string;
  description: string;
  agency_responsible: string;
  service_notice: string;
  requested_datetime: string;
  updated_datetime: string;
  expected_datetime: string | null;
  address: string;
  lat: number;
  long: number;
  media_url: string;
}

/** A request to file, already parsed. */
export interface Open311Create {
  api_key: string;
  service_code: string;
  lat?: number;
  long?: number;
  address_string?: string;
  description?: string;
  email?: string;
  first_name?: string;
  last_name?: string;
  phone?: string;
  device_id?: string;
  account_id?: string;
}

/** SHA-256 of an API key, as stored. */
export function open311KeyHash(apiKey: string): string {
  return crypto.createHash('sha256').update(apiKey).digest('hex');
}

/** Speaks GeoReport v2 over events and tickets. */
export class Open311Gateway {
  constructor(
    private readonly clients: Open311ClientRepository,
    private readonly tickets: TicketRepository,
    private readonly events: EventService,
    private readonly org: OrgService,
  ) {}

  /** Checks an API key; returns the client's name. */
  async client(apiKey: string | undefined): Promise<string> {
    const c = apiKey ? await this.clients.findByKeyHash(open311KeyHash(apiKey)) : null;
    if (!c) throw Open311Errors.OPEN311_API_KEY_INVALID();
    return c.name;
  }

  /** Registers a client (seed); returns whether it was created. */
  registerClient(name: string, apiKey: string): Promise<boolean> {
    return this.clients.insertIfAbsent(name, open311KeyHash(apiKey));
  }

  /** The service list. */
  services(): Open311Service[] {
    return PUBLIC_TYPES.map((t) => ({
      service_code: t,
      service_name: EVENT_TYPE_LABELS_ZH[t],
      description: `${EVENT_TYPE_LABELS_ZH[t]}（番禺区城市运行事件）`,
      metadata: false,
      type: 'realtime',
      keywords: t.replaceAll('_', ','),
      group: '城市运行',
    }));
  }

  /** Files a request: an event (source open311) and its ticket. */
  async create(body: Open311Create): Promise<Array<{ service_request_id: string; service_notice: string; account_id: string | null }>> {
    const client = await this.client(body.api_key);
    if (!(PUBLIC_TYPES as readonly string[]).includes(body.service_code)) throw Open311Errors.OPEN311_SERVICE_UNKNOWN();
    if (body.lat === undefined || body.long === undefined || !Number.isFinite(body.lat) || !Number.isFinite(body.long)) throw Open311Errors.OPEN311_LOCATION_REQUIRED();
    const type = body.service_code as EventType;
    const description = body.description ?? '';
    const { ticketId } = await this.events.reportEvent(
      {
        type,
        severity: 1,
        title: `${EVENT_TYPE_LABELS_ZH[type]}（市民反映）`,
        description,
        lat: body.lat,
        lon: body.long,
        address: body.address_string,
        source: 'open311',
      },
      { ...SYSTEM_ACTOR, username: `open311:${client}`, displayName: client },
      { source: 'open311', contact: { email: body.email, firstName: body.first_name, lastName: body.last_name, phone: body.phone, deviceId: body.device_id, accountId: body.account_id, client } },
    );
    const t = (await this.tickets.findTicket(ticketId, { all: true }))!;
    return [{ service_request_id: t.no, service_notice: '已受理登记，将按时限办理 / filed; it will be handled within its time limit', account_id: body.account_id ?? null }];
  }

  /** Requests by id (comma-separated), or the latest ones filtered by service, dates and status. */
  async query(q: { api_key?: string; service_request_id?: string; service_code?: string; start_date?: string; end_date?: string; status?: string }): Promise<Open311Request[]> {
    await this.client(q.api_key);
    let rows: TicketRow[];
    if (q.service_request_id) {
      const ids = q.service_request_id.split(',').map((s) => s.trim()).filter(Boolean).slice(0, 100);
      rows = (await Promise.all(ids.map((no) => this.tickets.findTicketByNo(no, { all: true })))).filter((t): t is TicketRow => t !== null);
    } else {
      rows = await this.tickets.listTickets({ all: true }, { eventType: q.service_code, limit: 1000, offset: 0 });
      const from = q.start_date ? Date.parse(q.start_date) : Date.now() - 90 * 86_400_000;
      const to = q.end_date ? Date.parse(q.end_date) : Infinity;
      rows = rows.filter((t) => t.createdAt.getTime() >= from && t.createdAt.getTime() <= to);
      if (q.status) {
        const wanted = new Set(q.status.split(','));
        rows = rows.filter((t) => wanted.has(this.status(t.stage)));
      }
    }
    const out: Open311Request[] = [];
    for (const t of rows) out.push(await this.view(t));
    return out;
  }

  /** One request by id. */
  async get(apiKey: string | undefined, no: string): Promise<Open311Request[]> {
    await this.client(apiKey);
    const t = await this.tickets.findTicketByNo(no, { all: true });
    if (!t) throw Open311Errors.OPEN311_REQUEST_NOT_FOUND();
    return [await this.view(t)];
  }

  private status(stage: TicketStage): 'open' | 'closed' {
    return stage === 'closed' || stage === 'rated' || stage === 'cancelled' ? 'closed' : 'open';
  }

  private async view(t: TicketRow): Promise<Open311Request> {
    const names: string[] = [];
    for (const code of t.ownerUnits) names.push((await this.org.unit(code))?.name ?? code);
    return {
      service_request_id: t.no,
      status: this.status(t.stage),
      status_notes: `${STAGE_LABELS_ZH[t.stage]}${t.stage === 'cancelled' ? '（不予立案）' : ''}`,
      service_name: EVENT_TYPE_LABELS_ZH[t.eventType as EventType] ?? t.eventType,
      service_code: t.eventType,
      description: t.title,
      agency_responsible: names.join('、'),
      service_notice: '',
      requested_datetime: t.createdAt.toISOString(),
      updated_datetime: t.updatedAt.toISOString(),
      expected_datetime: t.dueAt ? t.dueAt.toISOString() : null,
      address: '',
      lat: t.lat,
      long: t.lon,
      media_url: '',
    };
  }
}
