/**
 * The ticket state machine of the eight stages (发现 → 受理 → 立案 → 派遣 → 处置 → 反馈 → 核查结案 →
 * 评价) and the side transitions (退回, 延期, 督办, 升级, 返工, 重办, 作废), with guards by role,
 * tier and area. Pure: the service loads the facts, asks `decideTicketAction`, and stores the result.
 */
import { defineErrors } from '../../common/errors.ts';
import type { Role } from '../../protocol/roles.ts';
import { BAD_RATING_MAX, TICKET_ACTIONS, type TicketAction, type TicketStage } from '../../protocol/workflow.schema.ts';

/** Errors of the workflow; codes are stable. */
export const WorkflowErrors = defineErrors({
  TICKET_NOT_FOUND: { status: 404, message: '工单不存在或不在您的辖区 / ticket not found in your area' },
  TICKET_STAGE_INVALID: { status: 409, message: '工单当前环节不允许此操作 / not allowed in the ticket\'s current stage' },
  TICKET_VERSION_CONFLICT: { status: 409, message: '工单已被他人处理，请刷新后重试 / the ticket was changed by someone else; reload and retry' },
  TICKET_FORBIDDEN: { status: 403, message: '您无权对该工单执行此操作 / you may not take this action on this ticket' },
  TICKET_SAME_HANDLER: { status: 403, message: '核查须由处置人以外的人员完成 / verification must be done by someone other than the handler' },
  TICKET_EVIDENCE_REQUIRED: { status: 400, message: '须附照片或说明 / a photo or a note is required' },
  TICKET_REVISIT_PENDING: { status: 409, message: '无人机复核影像尚未回传 / the drone revisit images have not arrived yet' },
  TICKET_TARGET_INVALID: { status: 400, message: '派遣对象不在您的下级范围内 / the target unit is outside your subtree' },
  TICKET_EXTENSION_EXCEEDED: { status: 409, message: '延期已超过上限 / extension beyond the allowed maximum' },
  TICKET_ESCALATION_TOP: { status: 409, message: '已升级至最高层级 / already at the top tier' },
  TICKET_NO_OWNER: { status: 400, message: '未找到责任单位，请指定 / no owner unit found; name one' },
  TICKET_RATING_NOT_BAD: { status: 409, message: '仅差评可触发重办 / only a bad rating reopens automatically' },
});
/** A workflow error code. */
export type WorkflowErrorCode = keyof typeof WorkflowErrors;

/** What the machine needs to know about a ticket. */
export interface TicketFacts {
  stage: TicketStage;
  ownerUnits: string[];
  assigneeUnit: string | null;
  assigneeUserId: number | null;
  handlerUserId: number | null;
  verifierUserId: number | null;
  escalationUnit: string | null;
  extendedWorkingDays: number;
  maxExtensionWorkingDays: number;
  reporterUserId: number | null;
  rating: number | null;
  clockRunning: boolean;
  revisitRequested: boolean;
  revisitDone: boolean;
}

/** Who acts, and where they stand relative to the ticket. */
export interface ActorFacts {
  kind: 'user' | 'system';
  userId: number | null;
  role: Role | 'system';
  unitCode: string | null;
  /** Tier of the actor's unit (1 province … 8 grid), 4 for the system. */
  tier: number;
  /** Whether the ticket lies in the actor's area (region subtree, or routed/dispatched to its unit). */
  inScope: boolean;
  /** Whether the actor's unit is the ticket's assignee unit or one of its ancestors. */
  aboveOrAtAssignee: boolean;
}

/** Parameters of an action, resolved by the service. */
export interface ActionParams {
  note?: string;
  attachmentCount?: number;
  /** register: owner units, lead first. */
  ownerUnits?: string[];
  /** dispatch: target unit, with its ancestors (target first). */
  toUnit?: { code: string; chain: string[] };
  /** dispatch: a person of the target unit. */
  toUser?: { id: number; unitCode: string | null };
  method?: 'inspection' | 'revisit';
  rating?: number;
  workingDays?: number;
  /** escalate: the unit one tier above the current escalation (or assignee) unit; null at the top. */
  escalateTo?: string | null;
}

/** A notice the action sends. */
export interface Notice {
  kind: string;
  unit?: string | null;
  userId?: number | null;
}

/** What the clock does: start at dispatch, stop at return/close/cancel, extend, restart on reopen. */
export type ClockEffect = 'keep' | 'start' | 'stop' | 'extend' | 'restart';

/** An accepted action: the next stage, the changed facts and the effects. */
export interface Decision {
  ok: true;
  to: TicketStage;
  patch: Partial<TicketFacts> & { supervisionDelta?: number; escalationDelta?: number; reopenDelta?: number; reworkDelta?: number };
  clock: ClockEffect;
  notices: Notice[];
}

/** A refused action. */
export interface Refusal {
  ok: false;
  code: WorkflowErrorCode;
}

const DISPATCH_CENTRE: ReadonlyArray<Role | 'system'> = ['duty_officer', 'admin'];
const VERIFIERS: ReadonlyArray<Role | 'system'> = ['duty_officer', 'admin', 'town_staff', 'village_staff', 'department'];
const HANDLERS: ReadonlyArray<Role | 'system'> = ['grid_worker', 'village_staff', 'town_staff', 'department', 'duty_officer', 'admin'];
const OPEN_WORK: TicketStage[] = ['dispatched', 'handling'];

const refuse = (code: WorkflowErrorCode): Refusal => ({ ok: false, code });
const is = (actor: ActorFacts, roles: ReadonlyArray<Role | 'system'>) => roles.includes(actor.role);
const centre = (a: ActorFacts) => is(a, DISPATCH_CENTRE);

/** Whether the actor is the one who works the ticket: its assignee, or (no assignee) a member of its unit. */
function isWorker(t: TicketFacts, a: ActorFacts): boolean {
  if (a.kind !== 'user' || !is(a, HANDLERS)) return false;
  if (t.assigneeUserId !== null) return a.userId === t.assigneeUserId;
  return a.unitCode !== null && a.unitCode === t.assigneeUnit;
}

/** Decides one action; never throws. */
export function decideTicketAction(t: TicketFacts, a: ActorFacts, action: TicketAction, p: ActionParams = {}): Decision | Refusal {
  const ok = (to: TicketStage, patch: Decision['patch'] = {}, clock: ClockEffect = 'keep', notices: Notice[] = []): Decision => ({ ok: true, to, patch, clock, notices });
  if (a.kind === 'user' && !a.inScope) return refuse('TICKET_NOT_FOUND');
  const evidence = (p.attachmentCount ?? 0) > 0 || (p.note ?? '').trim().length > 0;

  switch (action) {
    case 'accept':
      if (t.stage !== 'detected') return refuse('TICKET_STAGE_INVALID');
      if (!centre(a) && a.role !== 'town_staff') return refuse('TICKET_FORBIDDEN');
      return ok('accepted');

    case 'register': {
      if (t.stage !== 'accepted') return refuse('TICKET_STAGE_INVALID');
      if (!centre(a) && a.role !== 'town_staff') return refuse('TICKET_FORBIDDEN');
      const owners = p.ownerUnits ?? t.ownerUnits;
      if (owners.length === 0) return refuse('TICKET_NO_OWNER');
      return ok('registered', { ownerUnits: owners }, 'keep', owners.map((unit) => ({ kind: 'registered', unit })));
    }

    case 'dispatch': {
      if (!p.toUnit) return refuse('TICKET_TARGET_INVALID');
      if (p.toUser && p.toUser.unitCode !== p.toUnit.code) return refuse('TICKET_TARGET_INVALID');
      if (t.stage === 'registered') {
        // The centre dispatches anywhere; an owner unit's staff dispatches within its own subtree.
        if (!centre(a)) {
          if (!is(a, ['town_staff', 'village_staff', 'department']) || a.unitCode === null) return refuse('TICKET_FORBIDDEN');
          if (!t.ownerUnits.includes(a.unitCode)) return refuse('TICKET_FORBIDDEN');
          if (!p.toUnit.chain.includes(a.unitCode)) return refuse('TICKET_TARGET_INVALID');
        }
      } else if (t.stage === 'dispatched') {
        // Re-dispatch down the tree (town → village → grid) by the assignee unit or one above it.
        if (!centre(a)) {
          if (!is(a, ['town_staff', 'village_staff', 'department']) || a.unitCode === null || !a.aboveOrAtAssignee) return refuse('TICKET_FORBIDDEN');
          if (!p.toUnit.chain.includes(a.unitCode)) return refuse('TICKET_TARGET_INVALID');
        }
      } else {
        return refuse('TICKET_STAGE_INVALID');
      }
      return ok(
        'dispatched',
        { assigneeUnit: p.toUnit.code, assigneeUserId: p.toUser?.id ?? null },
        t.clockRunning ? 'keep' : 'start',
        [{ kind: 'dispatched', unit: p.toUnit.code, userId: p.toUser?.id ?? null }],
      );
    }

    case 'start':
      if (t.stage !== 'dispatched') return refuse('TICKET_STAGE_INVALID');
      if (!isWorker(t, a)) return refuse('TICKET_FORBIDDEN');
      return ok('handling', a.userId !== null && t.assigneeUserId === null ? { assigneeUserId: a.userId } : {});

    case 'report':
      if (t.stage !== 'handling') return refuse('TICKET_STAGE_INVALID');
      if (!isWorker(t, a)) return refuse('TICKET_FORBIDDEN');
      if (!evidence) return refuse('TICKET_EVIDENCE_REQUIRED');
      return ok('reported', { handlerUserId: a.userId }, 'keep', t.ownerUnits.slice(0, 1).map((unit) => ({ kind: 'reported', unit })));

    case 'return':
      if (!OPEN_WORK.includes(t.stage)) return refuse('TICKET_STAGE_INVALID');
      if (!isWorker(t, a) && !(a.aboveOrAtAssignee && is(a, ['town_staff', 'village_staff', 'department']))) return refuse('TICKET_FORBIDDEN');
      return ok('registered', { assigneeUnit: null, assigneeUserId: null }, 'stop', [{ kind: 'returned', unit: 'district:ops' }]);

    case 'close':
      if (t.stage !== 'reported') return refuse('TICKET_STAGE_INVALID');
      if (a.kind !== 'user' || !is(a, VERIFIERS)) return refuse('TICKET_FORBIDDEN');
      if (a.role === 'department' && !a.aboveOrAtAssignee && !(a.unitCode && t.ownerUnits.includes(a.unitCode))) return refuse('TICKET_FORBIDDEN');
      if (a.userId === t.handlerUserId) return refuse('TICKET_SAME_HANDLER');
      if ((p.method ?? 'inspection') === 'revisit') {
        if (!t.revisitDone) return refuse('TICKET_REVISIT_PENDING');
      } else if ((p.attachmentCount ?? 0) === 0 && !(p.note ?? '').trim()) {
        return refuse('TICKET_EVIDENCE_REQUIRED');
      }
      return ok('closed', { verifierUserId: a.userId }, 'stop', [{ kind: 'closed', unit: t.assigneeUnit }]);

    case 'rework':
      if (t.stage !== 'reported') return refuse('TICKET_STAGE_INVALID');
      if (a.kind !== 'user' || !is(a, VERIFIERS)) return refuse('TICKET_FORBIDDEN');
      if (a.userId === t.handlerUserId) return refuse('TICKET_SAME_HANDLER');
      return ok('handling', { reworkDelta: 1, handlerUserId: null }, 'keep', [{ kind: 'rework', unit: t.assigneeUnit, userId: t.assigneeUserId }]);

    case 'request_revisit':
      if (t.stage !== 'reported') return refuse('TICKET_STAGE_INVALID');
      if (a.kind !== 'user' || !is(a, VERIFIERS)) return refuse('TICKET_FORBIDDEN');
      return ok('reported', { revisitRequested: true }, 'keep', [{ kind: 'revisit_requested', unit: 'district:ops' }]);

    case 'rate':
      if (t.stage !== 'closed') return refuse('TICKET_STAGE_INVALID');
      if (a.kind !== 'user') return refuse('TICKET_FORBIDDEN');
      if (!centre(a) && !(a.userId !== null && a.userId === t.reporterUserId)) return refuse('TICKET_FORBIDDEN');
      return ok('rated', { rating: p.rating ?? null }, 'keep', [{ kind: 'rated', unit: t.assigneeUnit }]);

    case 'reopen':
      if (t.stage === 'rated' && a.kind === 'system') {
        if ((t.rating ?? 5) > BAD_RATING_MAX) return refuse('TICKET_RATING_NOT_BAD');
      } else if (t.stage === 'closed' || t.stage === 'rated') {
        if (!centre(a)) return refuse('TICKET_FORBIDDEN');
      } else {
        return refuse('TICKET_STAGE_INVALID');
      }
      return ok(
        'dispatched',
        { reopenDelta: 1, handlerUserId: null, verifierUserId: null, revisitRequested: false, revisitDone: false },
        'restart',
        [{ kind: 'reopened', unit: t.assigneeUnit, userId: t.assigneeUserId }],
      );

    case 'cancel':
      if (!['detected', 'accepted', 'registered'].includes(t.stage)) return refuse('TICKET_STAGE_INVALID');
      if (!centre(a) && !(a.role === 'town_staff' && t.stage !== 'registered')) return refuse('TICKET_FORBIDDEN');
      return ok('cancelled', {}, 'stop');

    case 'extend': {
      if (!OPEN_WORK.includes(t.stage)) return refuse('TICKET_STAGE_INVALID');
      if (!centre(a)) return refuse('TICKET_FORBIDDEN');
      const total = t.extendedWorkingDays + (p.workingDays ?? 0);
      if ((p.workingDays ?? 0) < 1 || total > t.maxExtensionWorkingDays) return refuse('TICKET_EXTENSION_EXCEEDED');
      return ok(t.stage, { extendedWorkingDays: total }, 'extend', [{ kind: 'extended', unit: t.assigneeUnit, userId: t.assigneeUserId }]);
    }

    case 'supervise':
      if (![...OPEN_WORK, 'reported'].includes(t.stage)) return refuse('TICKET_STAGE_INVALID');
      if (!is(a, ['duty_officer', 'admin', 'leader', 'system']) && !(a.aboveOrAtAssignee && a.unitCode !== t.assigneeUnit && is(a, ['town_staff', 'village_staff', 'department']))) {
        return refuse('TICKET_FORBIDDEN');
      }
      return ok(t.stage, { supervisionDelta: 1 }, 'keep', [{ kind: 'supervise', unit: t.assigneeUnit, userId: t.assigneeUserId }]);

    case 'escalate':
      if (![...OPEN_WORK, 'reported'].includes(t.stage)) return refuse('TICKET_STAGE_INVALID');
      if (!is(a, ['duty_officer', 'admin', 'system'])) return refuse('TICKET_FORBIDDEN');
      if (!p.escalateTo) return refuse('TICKET_ESCALATION_TOP');
      return ok(t.stage, { escalationUnit: p.escalateTo, escalationDelta: 1 }, 'keep', [{ kind: 'escalated', unit: p.escalateTo }]);
  }
  return refuse('TICKET_STAGE_INVALID');
}

/** Actions whose guards the actor passes now (parameters that depend on a form are assumed valid). */
export function allowedTicketActions(t: TicketFacts, a: ActorFacts): TicketAction[] {
  const sample: ActionParams = { note: '说明', attachmentCount: 1, ownerUnits: t.ownerUnits.length ? t.ownerUnits : ['x:x'], rating: 5, workingDays: 1, escalateTo: 'x:x', method: t.revisitDone ? 'revisit' : 'inspection' };
  return TICKET_ACTIONS.filter((action) => {
    const toUnit = action === 'dispatch' ? { code: a.unitCode ?? 'x:x', chain: [a.unitCode ?? 'x:x'] } : undefined;
    if (action === 'reopen' && a.kind === 'user' && t.stage === 'rated' && !centre(a)) return false;
    return decideTicketAction(t, a, action, { ...sample, toUnit }).ok;
  });
}
