/** The eight tiers, the eight stages, event types and the bodies of the workflow API (八级联动). */
import Type, { type Static } from 'typebox';
import { EvidenceView } from './detection.schema.ts';

/** Event types of city operations (DOMAIN.md, 城市运行事件). */
export const EVENT_TYPES = [
  'waterlogging',
  'exposed_garbage',
  'street_vending',
  'illegal_ad',
  'illegal_construction',
  'river_debris',
  'road_damage',
  'missing_manhole_cover',
  'illegal_parking',
  'device_alarm',
  'sensor_offline',
] as const;
/** An event type. */
export type EventType = (typeof EVENT_TYPES)[number];

/** Chinese names of the event types. */
export const EVENT_TYPE_LABELS_ZH: Record<EventType, string> = {
  waterlogging: '积水',
  exposed_garbage: '暴露垃圾',
  street_vending: '占道经营',
  illegal_ad: '违规广告',
  illegal_construction: '违法建设',
  river_debris: '河涌漂浮物',
  road_damage: '道路破损',
  missing_manhole_cover: '井盖缺失',
  illegal_parking: '违停',
  device_alarm: '设备告警',
  sensor_offline: '传感器离线',
};

/** Severity 1 一般 … 4 特别严重; waterlogging maps depth bands notice/warning/restrict/close to 1…4. */
export const SEVERITY_LABELS_ZH: Record<1 | 2 | 3 | 4, string> = { 1: '一般', 2: '较重', 3: '严重', 4: '特别严重' };

/** Where events come from. */
export const EVENT_SOURCES = ['sensor', 'detection', 'patrol', 'grid_report', 'duty', 'open311'] as const;
/** Where an event came from. */
export type EventSource = (typeof EVENT_SOURCES)[number];

/** The eight tiers of 八级联动, 1 = province … 8 = grid. */
export const TIER_LABELS_ZH: Record<number, string> = {
  1: '省平台',
  2: '市平台',
  3: '区领导/三防指挥部',
  4: '区城市运行管理中心',
  5: '区职能部门',
  6: '镇街',
  7: '村居',
  8: '网格',
};

/** Kinds of organisation unit, one per tier. */
export const ORG_UNIT_KINDS = ['province', 'city', 'leadership', 'ops_centre', 'department', 'town', 'village', 'grid'] as const;
/** Kind of an organisation unit. */
export type OrgUnitKind = (typeof ORG_UNIT_KINDS)[number];
/** What a unit sees: every ticket, its region subtree's, or the ones routed/dispatched to it. */
export type OrgUnitScope = 'all' | 'area' | 'assigned';

/** Ticket stages: the eight stages plus 作废 cancelled. */
export const TICKET_STAGES = ['detected', 'accepted', 'registered', 'dispatched', 'handling', 'reported', 'closed', 'rated', 'cancelled'] as const;
/** A ticket's stage. */
export type TicketStage = (typeof TICKET_STAGES)[number];

/** Chinese names of the stages. */
export const STAGE_LABELS_ZH: Record<TicketStage, string> = {
  detected: '发现',
  accepted: '受理',
  registered: '立案',
  dispatched: '派遣',
  handling: '处置',
  reported: '反馈',
  closed: '核查结案',
  rated: '评价',
  cancelled: '作废',
};

/** Actions on a ticket: the main line and the side transitions. */
export const TICKET_ACTIONS = [
  'accept',
  'register',
  'dispatch',
  'start',
  'report',
  'close',
  'rate',
  'return',
  'extend',
  'supervise',
  'escalate',
  'rework',
  'reopen',
  'cancel',
  'request_revisit',
] as const;
/** A ticket action. */
export type TicketAction = (typeof TICKET_ACTIONS)[number];

/** Chinese names of the actions. */
export const ACTION_LABELS_ZH: Record<TicketAction, string> = {
  accept: '受理',
  register: '立案',
  dispatch: '派遣',
  start: '签收处置',
  report: '反馈',
  close: '核查结案',
  rate: '评价',
  return: '退回',
  extend: '延期',
  supervise: '督办',
  escalate: '升级',
  rework: '返工',
  reopen: '重办',
  cancel: '作废',
  request_revisit: '申请无人机复核',
};

/** 好差评 grades: 5 非常满意 … 1 非常不满意; 1 and 2 reopen the ticket. */
export const RATING_LABELS_ZH: Record<1 | 2 | 3 | 4 | 5, string> = { 1: '非常不满意', 2: '不满意', 3: '基本满意', 4: '满意', 5: '非常满意' };

/** Ratings at or below this reopen the ticket (重办). */
export const BAD_RATING_MAX = 2;

const EventTypeSchema = Type.Unsafe<EventType>({ type: 'string', enum: [...EVENT_TYPES] });
const StageSchema = Type.Unsafe<TicketStage>({ type: 'string', enum: [...TICKET_STAGES] });
const ActionSchema = Type.Unsafe<TicketAction>({ type: 'string', enum: [...TICKET_ACTIONS] });
const Severity = Type.Integer({ minimum: 1, maximum: 4 });
const RegionCode = Type.String({ pattern: '^[0-9]{2,15}$' });
const UnitCode = Type.String({ pattern: '^[a-z_]+:[0-9a-z_]+$', maxLength: 64 });
const Note = Type.String({ maxLength: 2000 });
const AttachmentIds = Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 20 });

/** An organisation unit. */
export const OrgUnitView = Type.Object({
  code: Type.String(),
  parentCode: Type.Union([Type.String(), Type.Null()]),
  tier: Type.Integer(),
  kind: Type.String(),
  name: Type.String(),
  regionCode: Type.String(),
  scope: Type.String(),
});
/** An organisation unit. */
export type OrgUnitView = Static<typeof OrgUnitView>;

/** Query of `GET /api/v1/org/units`. */
export const OrgUnitsQuery = Type.Object(
  { parent: Type.Optional(UnitCode), tier: Type.Optional(Type.Integer({ minimum: 1, maximum: 8 })) },
  { additionalProperties: false },
);

/** Body of `POST /api/v1/events`: a person or a system reports an event. */
export const CreateEventBody = Type.Object(
  {
    type: EventTypeSchema,
    severity: Severity,
    title: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Type.String({ maxLength: 4000 })),
    lat: Type.Number({ minimum: -90, maximum: 90 }),
    lon: Type.Number({ minimum: -180, maximum: 180 }),
    /** A village or grid code; otherwise the nearest grid to lat/lon. */
    regionCode: Type.Optional(RegionCode),
    address: Type.Optional(Type.String({ maxLength: 300 })),
    source: Type.Optional(Type.Unsafe<EventSource>({ type: 'string', enum: [...EVENT_SOURCES] })),
    /** The origin's own id (sensor sn, detection id): a repeat while the event is open joins it. */
    sourceRef: Type.Optional(Type.String({ maxLength: 120 })),
    /** Measurements, e.g. `{ depthMm: 320 }`. */
    measure: Type.Optional(Type.Record(Type.String({ maxLength: 40 }), Type.Number())),
    occurredAt: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { additionalProperties: false },
);
/** Body of an event report. */
export type CreateEventBody = Static<typeof CreateEventBody>;

/** An event as the API shows it. */
export const EventView = Type.Object({
  id: Type.Integer(),
  type: Type.String(),
  severity: Type.Integer(),
  title: Type.String(),
  description: Type.String(),
  lat: Type.Number(),
  lon: Type.Number(),
  regionCode: Type.String(),
  source: Type.String(),
  sourceRef: Type.Union([Type.String(), Type.Null()]),
  status: Type.String(),
  occurredAt: Type.String(),
  createdAt: Type.String(),
  ticketId: Type.Union([Type.Integer(), Type.Null()]),
  /** Drone images that show it (detail only): image, box, score. */
  evidence: Type.Optional(Type.Array(EvidenceView)),
});
/** An event as the API shows it. */
export type EventView = Static<typeof EventView>;

/** Reply of an event report: the event, its ticket, and whether it joined an open event. */
export const CreateEventReply = Type.Object({ event: EventView, ticketId: Type.Integer(), joined: Type.Boolean() });

/** A routing rule: event type + severity range (+ region prefix) → owner units, lead first. */
export const RoutingRuleBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 120 }),
    eventType: EventTypeSchema,
    minSeverity: Type.Optional(Severity),
    maxSeverity: Type.Optional(Severity),
    regionPrefix: Type.Optional(Type.Union([RegionCode, Type.Null()])),
    /** Unit codes, or @town / @village / @grid for the units of the event's place. */
    owners: Type.Array(Type.String({ pattern: '^(@(town|village|grid)|[a-z_]+:[0-9a-z_]+)$' }), { minItems: 1, maxItems: 8 }),
    priority: Type.Optional(Type.Integer({ minimum: -1000, maximum: 1000 })),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
/** Body of a routing rule. */
export type RoutingRuleBody = Static<typeof RoutingRuleBody>;

/** A stored routing rule. */
export const RoutingRuleView = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  eventType: Type.String(),
  minSeverity: Type.Integer(),
  maxSeverity: Type.Integer(),
  regionPrefix: Type.Union([Type.String(), Type.Null()]),
  owners: Type.Array(Type.String()),
  priority: Type.Integer(),
  active: Type.Boolean(),
  updatedAt: Type.String(),
  updatedBy: Type.String(),
});
/** A stored routing rule. */
export type RoutingRuleView = Static<typeof RoutingRuleView>;

/** Body of `POST /api/v1/routing-rules/preview`: which units would own such an event. */
export const RoutingPreviewBody = Type.Object(
  { eventType: EventTypeSchema, severity: Severity, regionCode: RegionCode },
  { additionalProperties: false },
);

/** Reply of a routing preview. */
export const RoutingPreviewReply = Type.Object({ ruleId: Type.Union([Type.Integer(), Type.Null()]), owners: Type.Array(Type.String()) });

/** One history row of a ticket. */
export const TicketHistoryView = Type.Object({
  version: Type.Integer(),
  at: Type.String(),
  actorKind: Type.String(),
  actorName: Type.String(),
  actorUnit: Type.Union([Type.String(), Type.Null()]),
  action: Type.String(),
  fromStage: Type.Union([Type.String(), Type.Null()]),
  toStage: Type.String(),
  note: Type.Union([Type.String(), Type.Null()]),
  attachmentIds: Type.Array(Type.Integer()),
  details: Type.Unknown(),
});
/** One history row of a ticket. */
export type TicketHistoryView = Static<typeof TicketHistoryView>;

/** A ticket as lists and the detail show it. */
export const TicketView = Type.Object({
  id: Type.Integer(),
  no: Type.String(),
  eventId: Type.Integer(),
  eventType: Type.String(),
  severity: Type.Integer(),
  title: Type.String(),
  regionCode: Type.String(),
  lat: Type.Number(),
  lon: Type.Number(),
  stage: StageSchema,
  version: Type.Integer(),
  ownerUnits: Type.Array(Type.String()),
  assigneeUnit: Type.Union([Type.String(), Type.Null()]),
  assigneeUserId: Type.Union([Type.Integer(), Type.Null()]),
  handlerUserId: Type.Union([Type.Integer(), Type.Null()]),
  verifierUserId: Type.Union([Type.Integer(), Type.Null()]),
  verificationMethod: Type.Union([Type.String(), Type.Null()]),
  escalationUnit: Type.Union([Type.String(), Type.Null()]),
  escalationCount: Type.Integer(),
  supervisionCount: Type.Integer(),
  reopenCount: Type.Integer(),
  dispatchedAt: Type.Union([Type.String(), Type.Null()]),
  warnAt: Type.Union([Type.String(), Type.Null()]),
  dueAt: Type.Union([Type.String(), Type.Null()]),
  overdue: Type.Boolean(),
  closedAt: Type.Union([Type.String(), Type.Null()]),
  closedOnTime: Type.Union([Type.Boolean(), Type.Null()]),
  rating: Type.Union([Type.Integer(), Type.Null()]),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
/** A ticket. */
export type TicketView = Static<typeof TicketView>;

/** A ticket with its history and the actions the caller may take now. */
export const TicketDetailView = Type.Object({
  ticket: TicketView,
  history: Type.Array(TicketHistoryView),
  allowedActions: Type.Array(ActionSchema),
  revisits: Type.Array(Type.Object({ id: Type.Integer(), status: Type.String(), requestedAt: Type.String(), attachmentIds: Type.Array(Type.Integer()) })),
  /** Drone images showing the ticket's event: image, box, score. */
  evidence: Type.Optional(Type.Array(EvidenceView)),
});
/** A ticket with its history. */
export type TicketDetailView = Static<typeof TicketDetailView>;

/** Query of `GET /api/v1/tickets` (the workbench queues). */
export const TicketListQuery = Type.Object(
  {
    stage: Type.Optional(Type.Array(StageSchema, { maxItems: 9 })),
    overdue: Type.Optional(Type.Boolean()),
    tier: Type.Optional(Type.Integer({ minimum: 1, maximum: 8 })),
    unit: Type.Optional(UnitCode),
    mine: Type.Optional(Type.Boolean()),
    eventType: Type.Optional(EventTypeSchema),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
  },
  { additionalProperties: false },
);
/** Query of a ticket list. */
export type TicketListQuery = Static<typeof TicketListQuery>;

const Base = { version: Type.Integer({ minimum: 1 }), note: Type.Optional(Note), attachmentIds: Type.Optional(AttachmentIds) };

/** Bodies of `POST /api/v1/tickets/{id}/{action}`; `version` is the version the caller saw (409 when stale). */
export const TicketActionBodies = {
  accept: Type.Object({ ...Base }, { additionalProperties: false }),
  register: Type.Object({ ...Base, ownerUnits: Type.Optional(Type.Array(UnitCode, { minItems: 1, maxItems: 8 })) }, { additionalProperties: false }),
  dispatch: Type.Object({ ...Base, toUnit: UnitCode, toUserId: Type.Optional(Type.Integer({ minimum: 1 })) }, { additionalProperties: false }),
  start: Type.Object({ ...Base }, { additionalProperties: false }),
  report: Type.Object({ ...Base }, { additionalProperties: false }),
  close: Type.Object({ ...Base, method: Type.Optional(Type.Unsafe<'inspection' | 'revisit'>({ type: 'string', enum: ['inspection', 'revisit'] })) }, { additionalProperties: false }),
  rate: Type.Object({ ...Base, rating: Type.Integer({ minimum: 1, maximum: 5 }) }, { additionalProperties: false }),
  return: Type.Object({ ...Base, note: Note }, { additionalProperties: false }),
  extend: Type.Object({ ...Base, workingDays: Type.Integer({ minimum: 1, maximum: 10 }) }, { additionalProperties: false }),
  supervise: Type.Object({ ...Base }, { additionalProperties: false }),
  escalate: Type.Object({ ...Base }, { additionalProperties: false }),
  rework: Type.Object({ ...Base, note: Note }, { additionalProperties: false }),
  reopen: Type.Object({ ...Base, note: Note }, { additionalProperties: false }),
  cancel: Type.Object({ ...Base, note: Note }, { additionalProperties: false }),
  request_revisit: Type.Object({ ...Base }, { additionalProperties: false }),
} satisfies Record<TicketAction, unknown>;
/** Body of one ticket action. */
export type TicketActionBody = Static<(typeof TicketActionBodies)[TicketAction]> & {
  ownerUnits?: string[];
  toUnit?: string;
  toUserId?: number;
  method?: 'inspection' | 'revisit';
  rating?: number;
  workingDays?: number;
};

/** Body of `POST /api/v1/tickets/{id}/photos`: one image, base64, ≤ 700 kB decoded. */
export const UploadPhotoBody = Type.Object(
  {
    contentType: Type.Unsafe<'image/jpeg' | 'image/png' | 'image/webp'>({ type: 'string', enum: ['image/jpeg', 'image/png', 'image/webp'] }),
    dataBase64: Type.String({ minLength: 4, maxLength: 960_000 }),
  },
  { additionalProperties: false },
);
/** Body of a photo upload. */
export type UploadPhotoBody = Static<typeof UploadPhotoBody>;

/** Body of `POST /api/v1/tickets/{id}/revisits/{rid}/images`: the flight side attaches revisit images. */
export const RevisitImagesBody = Type.Object({ attachmentIds: Type.Array(Type.Integer({ minimum: 1 }), { minItems: 1, maxItems: 20 }) }, { additionalProperties: false });

/** Query of `GET /api/v1/kpis`. */
export const KpiQuery = Type.Object(
  {
    from: Type.String({ format: 'date-time' }),
    to: Type.String({ format: 'date-time' }),
    groupBy: Type.Optional(Type.Unsafe<'tier' | 'unit' | 'town' | 'eventType' | 'none'>({ type: 'string', enum: ['tier', 'unit', 'town', 'eventType', 'none'] })),
  },
  { additionalProperties: false },
);
/** Query of the KPIs. */
export type KpiQuery = Static<typeof KpiQuery>;

/** KPIs of one group over a period. */
export const KpiRow = Type.Object({
  key: Type.String(),
  tickets: Type.Integer(),
  closed: Type.Integer(),
  closedOnTime: Type.Integer(),
  /** 结案率: closed / tickets, 0…1. */
  closureRate: Type.Number(),
  /** 按期结案率: closed on time / closed, 0…1. */
  onTimeClosureRate: Type.Number(),
  /** Mean seconds spent in each stage (time from entering it to leaving it). */
  avgStageS: Type.Record(Type.String(), Type.Number()),
  avgRating: Type.Union([Type.Number(), Type.Null()]),
});
/** KPIs of one group. */
export type KpiRow = Static<typeof KpiRow>;

/** A notification as the API shows it. */
export const NotificationView = Type.Object({
  id: Type.Integer(),
  at: Type.String(),
  kind: Type.String(),
  ticketId: Type.Union([Type.Integer(), Type.Null()]),
  recipientUnit: Type.Union([Type.String(), Type.Null()]),
  recipientUserId: Type.Union([Type.Integer(), Type.Null()]),
  title: Type.String(),
  body: Type.String(),
  readAt: Type.Union([Type.String(), Type.Null()]),
});
/** A notification. */
export type NotificationView = Static<typeof NotificationView>;

/** Body of `POST /api/v1/notifications/webhooks` (admin): an outbound SMS/IM gateway. */
export const CreateWebhookBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 120 }),
    url: Type.String({ format: 'uri', pattern: '^https?://' }),
    secret: Type.String({ minLength: 16, maxLength: 200 }),
    kinds: Type.Optional(Type.Array(Type.String({ maxLength: 40 }), { maxItems: 20 })),
  },
  { additionalProperties: false },
);
/** Body of a webhook registration. */
export type CreateWebhookBody = Static<typeof CreateWebhookBody>;

/** Live message: a ticket changed (stage, owner, timers); clients refetch it through the API. */
export interface TicketLiveMessage {
  type: 'ticket';
  ticketId: number;
  no: string;
  action: TicketAction | 'create';
  stage: TicketStage;
  version: number;
  regionCode: string;
  assigneeUnit: string | null;
  ownerUnits: string[];
  at: string;
}

/** Live message: a notification for a unit or a person. */
export interface NotificationLiveMessage {
  type: 'notification';
  id: number;
  kind: string;
  ticketId: number | null;
  recipientUnit: string | null;
  recipientUserId: number | null;
  title: string;
  at: string;
}

/** Live messages of the workflow, part of `LiveMessage` on the WebSocket `/api/v1/live`. */
export type WorkflowLiveMessage = TicketLiveMessage | NotificationLiveMessage;
