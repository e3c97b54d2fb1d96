/** Builds the hub's services and repositories over one pool. */
import type { Logger } from '../../common/logger.ts';
import type { Pool } from '../db/pool.ts';
import { AuditRepository } from '../repositories/audit.repository.ts';
import { DeviceRepository } from '../repositories/device.repository.ts';
import { ReadingRepository } from '../repositories/reading.repository.ts';
import { RegionRepository } from '../repositories/region.repository.ts';
import { UserRepository } from '../repositories/user.repository.ts';
import { AuthService } from './auth.service.ts';
import { RollupRepository } from '../repositories/rollup.repository.ts';
import { DeviceService } from './device.service.ts';
import { createDockServices, type DockServices } from './dock-services.ts';
import { systemClock, type Clock } from '../../common/clock.ts';
import { WorkflowOutbox } from '../workflow/workflow-outbox.ts';
import { OrgRepository } from '../repositories/org.repository.ts';
import { RoutingRepository } from '../repositories/routing.repository.ts';
import { TicketRepository } from '../repositories/ticket.repository.ts';
import { EventRepository, Open311ClientRepository } from '../repositories/event.repository.ts';
import { NotificationRepository } from '../repositories/notification.repository.ts';
import { KpiRepository } from '../repositories/kpi.repository.ts';
import { readCalendarFile } from '../repositories/calendar.repository.ts';
import { WorkCalendar, type CalendarData } from '../workflow/work-calendar.ts';
import { OrgService } from './org.service.ts';
import { RoutingService } from './routing.service.ts';
import { TicketService } from './ticket.service.ts';
import { EventService } from './event.service.ts';
import { NotificationService, DEFAULT_WEBHOOK_POLICY, type WebhookPolicy } from './notification.service.ts';
import { KpiService } from './kpi.service.ts';
import { Open311Gateway } from './open311.service.ts';

/** Repositories and services of one hub node. */
export interface HubServices {
  repos: {
    users: UserRepository;
    devices: DeviceRepository;
    readings: ReadingRepository;
    regions: RegionRepository;
    audit: AuditRepository;
    org: OrgRepository;
    routing: RoutingRepository;
    tickets: TicketRepository;
    events: EventRepository;
    notifications: NotificationRepository;
  };
  auth: AuthService;
  devices: DeviceService;
  /** Drone docks, their drones and flights (issue 4). */
  docks: DockServices;
  /** The eight-level workflow (issue 5). */
  workflow: WorkflowServices;
}

/** Services of the eight-level workflow. */
export interface WorkflowServices {
  clock: Clock;
  calendar: WorkCalendar;
  org: OrgService;
  routing: RoutingService;
  tickets: TicketService;
  events: EventService;
  notifications: NotificationService;
  kpis: KpiService;
  open311: Open311Gateway;
  /** Live messages of the workflow; the notification routes bridge them to the WebSocket. */
  outbox: WorkflowOutbox;
}

/** Options of the services: a fake clock and calendar for tests, the webhook retry policy. */
export interface HubServiceOptions {
  clock?: Clock;
  calendar?: CalendarData;
  webhookPolicy?: WebhookPolicy;
}

/** Wires repositories and services. */
export function createHubServices(pool: Pool, log: Logger, opts: HubServiceOptions = {}): HubServices {
  const repos = {
    users: new UserRepository(pool),
    devices: new DeviceRepository(pool),
    readings: new ReadingRepository(pool),
    regions: new RegionRepository(pool),
    audit: new AuditRepository(pool),
    org: new OrgRepository(pool),
    routing: new RoutingRepository(pool),
    tickets: new TicketRepository(pool),
    events: new EventRepository(pool),
    notifications: new NotificationRepository(pool),
  };
  const auth = new AuthService(repos.users, repos.devices, repos.audit, log.child({ module: 'auth' }));
  return { repos, auth, docks: createDockServices(pool, repos.audit, log), devices: new DeviceService(repos.devices, repos.readings, repos.audit, auth, new RollupRepository(pool)), workflow: createWorkflowServices(pool, repos, log, opts) };
}

function createWorkflowServices(pool: Pool, repos: HubServices['repos'], log: Logger, opts: HubServiceOptions): WorkflowServices {
  const clock = opts.clock ?? systemClock;
  const calendar = new WorkCalendar(opts.calendar ?? readCalendarFile());
  const wlog = log.child({ module: 'workflow' });
  const outbox = new WorkflowOutbox();
  const org = new OrgService(repos.org, wlog);
  const routing = new RoutingService(repos.routing, repos.org, repos.audit, clock);
  const tickets = new TicketService({ tickets: repos.tickets, org, routing, audit: repos.audit, calendar, clock, log: wlog, outbox });
  const events = new EventService(repos.events, repos.tickets, tickets, org, routing, repos.audit, clock, wlog);
  const notifications = new NotificationService(repos.notifications, repos.audit, clock, wlog, opts.webhookPolicy ?? DEFAULT_WEBHOOK_POLICY);
  const kpis = new KpiService(new KpiRepository(pool));
  const open311 = new Open311Gateway(new Open311ClientRepository(pool), repos.tickets, events, org);
  return { clock, calendar, org, routing, tickets, events, notifications, kpis, open311, outbox };
}
