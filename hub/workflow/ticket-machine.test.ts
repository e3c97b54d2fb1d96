import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TICKET_ACTIONS, type TicketAction, type TicketStage } from '../../protocol/workflow.schema.ts';
import type { Role } from '../../protocol/roles.ts';
import { allowedTicketActions, decideTicketAction, type ActionParams, type ActorFacts, type TicketFacts } from './ticket-machine.ts';

const ticket = (over: Partial<TicketFacts> = {}): TicketFacts => ({
  stage: 'detected',
  ownerUnits: ['dept:water', 'town:440113007'],
  assigneeUnit: null,
  assigneeUserId: null,
  handlerUserId: null,
  verifierUserId: null,
  escalationUnit: null,
  extendedWorkingDays: 0,
  maxExtensionWorkingDays: 10,
  reporterUserId: null,
  rating: null,
  clockRunning: false,
  revisitRequested: false,
  revisitDone: false,
  ...over,
});
const user = (role: Role, userId: number, unitCode: string, over: Partial<ActorFacts> = {}): ActorFacts => ({ kind: 'user', userId, role, unitCode, tier: 4, inScope: true, aboveOrAtAssignee: false, ...over });
const duty = user('duty_officer', 1, 'district:ops');
const grid = user('grid_worker', 8, 'grid:44011300700301', { aboveOrAtAssignee: true });
const grid2 = user('grid_worker', 9, 'grid:44011300700302');
const town = user('town_staff', 5, 'town:440113007', { aboveOrAtAssignee: true });
const leader = user('leader', 6, 'district:leadership');
const system: ActorFacts = { kind: 'system', userId: null, role: 'system', unitCode: null, tier: 4, inScope: true, aboveOrAtAssignee: false };
const toGrid = { toUnit: { code: 'grid:44011300700301', chain: ['grid:44011300700301', 'village:440113007003', 'town:440113007', 'district:ops'] }, toUser: { id: 8, unitCode: 'grid:44011300700301' } };
const assigned = { assigneeUnit: 'grid:44011300700301', assigneeUserId: 8, clockRunning: true };

type Case = [string, TicketFacts, ActorFacts, TicketAction, ActionParams, TicketStage | string];
// [what, ticket, actor, action, params, expected stage or error code]
const cases: Case[] = [
  ['duty accepts a detected event', ticket(), duty, 'accept', {}, 'accepted'],
  ['a town accepts in its area', ticket(), town, 'accept', {}, 'accepted'],
  ['a grid worker may not accept', ticket(), grid, 'accept', {}, 'TICKET_FORBIDDEN'],
  ['accept only from detected', ticket({ stage: 'registered' }), duty, 'accept', {}, 'TICKET_STAGE_INVALID'],
  ['duty registers with owners', ticket({ stage: 'accepted' }), duty, 'register', {}, 'registered'],
  ['register needs an owner', ticket({ stage: 'accepted', ownerUnits: [] }), duty, 'register', {}, 'TICKET_NO_OWNER'],
  ['a leader may not register', ticket({ stage: 'accepted' }), leader, 'register', {}, 'TICKET_FORBIDDEN'],
  ['duty dispatches to a grid worker', ticket({ stage: 'registered' }), duty, 'dispatch', toGrid, 'dispatched'],
  ['an owner town dispatches down its subtree', ticket({ stage: 'registered' }), town, 'dispatch', toGrid, 'dispatched'],
  ['a town may not dispatch outside its subtree', ticket({ stage: 'registered' }), town, 'dispatch', { toUnit: { code: 'grid:44011300800101', chain: ['grid:44011300800101', 'village:440113008001', 'town:440113008'] } }, 'TICKET_TARGET_INVALID'],
  ['a non-owner village may not dispatch', ticket({ stage: 'registered' }), user('village_staff', 7, 'village:440113007003'), 'dispatch', toGrid, 'TICKET_FORBIDDEN'],
  ['the person must belong to the target unit', ticket({ stage: 'registered' }), duty, 'dispatch', { ...toGrid, toUser: { id: 9, unitCode: 'grid:44011300700302' } }, 'TICKET_TARGET_INVALID'],
  ['dispatch needs a target', ticket({ stage: 'registered' }), duty, 'dispatch', {}, 'TICKET_TARGET_INVALID'],
  ['the town re-dispatches down the tree', ticket({ stage: 'dispatched', assigneeUnit: 'town:440113007', clockRunning: true }), town, 'dispatch', toGrid, 'dispatched'],
  ['dispatch not from handling', ticket({ stage: 'handling', ...assigned }), duty, 'dispatch', toGrid, 'TICKET_STAGE_INVALID'],
  ['the assignee starts handling', ticket({ stage: 'dispatched', ...assigned }), grid, 'start', {}, 'handling'],
  ['another grid worker may not start', ticket({ stage: 'dispatched', ...assigned }), grid2, 'start', {}, 'TICKET_FORBIDDEN'],
  ['the assignee reports back with a photo', ticket({ stage: 'handling', ...assigned }), grid, 'report', { attachmentCount: 1 }, 'reported'],
  ['reporting back needs evidence', ticket({ stage: 'handling', ...assigned }), grid, 'report', {}, 'TICKET_EVIDENCE_REQUIRED'],
  ['report only from handling', ticket({ stage: 'dispatched', ...assigned }), grid, 'report', { note: 'x' }, 'TICKET_STAGE_INVALID'],
  ['the assignee returns a wrongly routed ticket', ticket({ stage: 'dispatched', ...assigned }), grid, 'return', { note: '非本网格' }, 'registered'],
  ['return not after report', ticket({ stage: 'reported', ...assigned }), grid, 'return', { note: 'x' }, 'TICKET_STAGE_INVALID'],
  ['another user verifies and closes', ticket({ stage: 'reported', ...assigned, handlerUserId: 8 }), town, 'close', { note: '核查属实' }, 'closed'],
  ['the handler may not verify', ticket({ stage: 'reported', ...assigned, handlerUserId: 5 }), town, 'close', { note: 'x' }, 'TICKET_SAME_HANDLER'],
  ['a grid worker is no verifier', ticket({ stage: 'reported', ...assigned, handlerUserId: 9 }), grid, 'close', { note: 'x' }, 'TICKET_FORBIDDEN'],
  ['inspection needs a photo or note', ticket({ stage: 'reported', ...assigned, handlerUserId: 8 }), town, 'close', {}, 'TICKET_EVIDENCE_REQUIRED'],
  ['a drone revisit closes once its images are in', ticket({ stage: 'reported', ...assigned, handlerUserId: 8, revisitRequested: true, revisitDone: true }), duty, 'close', { method: 'revisit' }, 'closed'],
  ['a pending revisit does not close', ticket({ stage: 'reported', ...assigned, handlerUserId: 8, revisitRequested: true }), duty, 'close', { method: 'revisit' }, 'TICKET_REVISIT_PENDING'],
  ['a verifier requests a drone revisit', ticket({ stage: 'reported', ...assigned, handlerUserId: 8 }), duty, 'request_revisit', {}, 'reported'],
  ['a grid worker may not request a revisit', ticket({ stage: 'reported', ...assigned, handlerUserId: 8 }), grid, 'request_revisit', {}, 'TICKET_FORBIDDEN'],
  ['the verifier sends it back for rework', ticket({ stage: 'reported', ...assigned, handlerUserId: 8 }), town, 'rework', { note: '未清理干净' }, 'handling'],
  ['the handler may not order their own rework', ticket({ stage: 'reported', ...assigned, handlerUserId: 5 }), town, 'rework', { note: 'x' }, 'TICKET_SAME_HANDLER'],
  ['duty rates a closed ticket', ticket({ stage: 'closed', ...assigned }), duty, 'rate', { rating: 4 }, 'rated'],
  ['the reporter rates their own event', ticket({ stage: 'closed', ...assigned, reporterUserId: 9 }), grid2, 'rate', { rating: 4 }, 'rated'],
  ['others may not rate', ticket({ stage: 'closed', ...assigned }), town, 'rate', { rating: 4 }, 'TICKET_FORBIDDEN'],
  ['rate only when closed', ticket({ stage: 'reported', ...assigned }), duty, 'rate', { rating: 4 }, 'TICKET_STAGE_INVALID'],
  ['a bad rating reopens (system)', ticket({ stage: 'rated', ...assigned, rating: 1 }), system, 'reopen', {}, 'dispatched'],
  ['a good rating does not reopen automatically', ticket({ stage: 'rated', ...assigned, rating: 4 }), system, 'reopen', {}, 'TICKET_RATING_NOT_BAD'],
  ['duty reopens a closed ticket', ticket({ stage: 'closed', ...assigned }), duty, 'reopen', { note: '复发' }, 'dispatched'],
  ['a town may not reopen', ticket({ stage: 'closed', ...assigned }), town, 'reopen', { note: 'x' }, 'TICKET_FORBIDDEN'],
  ['reopen not while open', ticket({ stage: 'handling', ...assigned }), duty, 'reopen', { note: 'x' }, 'TICKET_STAGE_INVALID'],
  ['duty cancels a false report', ticket({ stage: 'accepted' }), duty, 'cancel', { note: '误报' }, 'cancelled'],
  ['no cancel after dispatch', ticket({ stage: 'dispatched', ...assigned }), duty, 'cancel', { note: 'x' }, 'TICKET_STAGE_INVALID'],
  ['a grid worker may not cancel', ticket(), grid, 'cancel', { note: 'x' }, 'TICKET_FORBIDDEN'],
  ['duty extends by working days', ticket({ stage: 'handling', ...assigned }), duty, 'extend', { workingDays: 5 }, 'handling'],
  ['extension beyond 10 working days is refused', ticket({ stage: 'handling', ...assigned, extendedWorkingDays: 6 }), duty, 'extend', { workingDays: 5 }, 'TICKET_EXTENSION_EXCEEDED'],
  ['a grid worker may not extend', ticket({ stage: 'handling', ...assigned }), grid, 'extend', { workingDays: 1 }, 'TICKET_FORBIDDEN'],
  ['a leader supervises', ticket({ stage: 'handling', ...assigned }), leader, 'supervise', {}, 'handling'],
  ['the town supervises its grid', ticket({ stage: 'handling', ...assigned }), town, 'supervise', {}, 'handling'],
  ['the assignee may not supervise itself', ticket({ stage: 'handling', ...assigned }), grid, 'supervise', {}, 'TICKET_FORBIDDEN'],
  ['no supervision before dispatch', ticket({ stage: 'registered' }), duty, 'supervise', {}, 'TICKET_STAGE_INVALID'],
  ['the system escalates one tier', ticket({ stage: 'handling', ...assigned }), system, 'escalate', { escalateTo: 'village:440113007003' }, 'handling'],
  ['no escalation above the top', ticket({ stage: 'handling', ...assigned }), duty, 'escalate', { escalateTo: null }, 'TICKET_ESCALATION_TOP'],
  ['a town may not escalate', ticket({ stage: 'handling', ...assigned }), town, 'escalate', { escalateTo: 'district:ops' }, 'TICKET_FORBIDDEN'],
  ['out of area looks like not found', ticket(), { ...duty, inScope: false }, 'accept', {}, 'TICKET_NOT_FOUND'],
];

describe('ticket state machine', () => {
  it.each(cases)('%s', (_what, t, a, action, p, expected) => {
    const d = decideTicketAction(t, a, action, p);
    if (d.ok) expect(d.to).toBe(expected);
    else expect(d.code).toBe(expected);
  });

  it('covers every action with at least one accepted and one refused case', () => {
    for (const action of TICKET_ACTIONS) {
      const mine = cases.filter((c) => c[3] === action).map((c) => decideTicketAction(c[1], c[2], c[3], c[4]).ok);
      expect(mine, action).toContain(true);
      expect(mine, action).toContain(false);
    }
  });

  it('starts the clock at the first dispatch, keeps it on re-dispatch, stops it on return and close, restarts it on reopen', () => {
    const first = decideTicketAction(ticket({ stage: 'registered' }), duty, 'dispatch', toGrid);
    const again = decideTicketAction(ticket({ stage: 'dispatched', assigneeUnit: 'town:440113007', clockRunning: true }), town, 'dispatch', toGrid);
    const ret = decideTicketAction(ticket({ stage: 'dispatched', ...assigned }), grid, 'return', { note: 'x' });
    const close = decideTicketAction(ticket({ stage: 'reported', ...assigned, handlerUserId: 8 }), town, 'close', { note: 'x' });
    const reopen = decideTicketAction(ticket({ stage: 'rated', ...assigned, rating: 1 }), system, 'reopen', {});
    expect([first, again, ret, close, reopen].map((d) => (d.ok ? d.clock : d.code))).toEqual(['start', 'keep', 'stop', 'stop', 'restart']);
  });

  it('lists the actions a person may take now', () => {
    expect(allowedTicketActions(ticket({ stage: 'handling', ...assigned }), grid).sort()).toEqual(['report', 'return']);
    expect(allowedTicketActions(ticket({ stage: 'detected' }), duty).sort()).toEqual(['accept', 'cancel']);
    expect(allowedTicketActions(ticket({ stage: 'handling', ...assigned }), leader)).toEqual(['supervise']);
  });
});

describe('ticket state machine under random action sequences (property)', () => {
  const actors: ActorFacts[] = [duty, town, grid, grid2, leader, system, user('village_staff', 7, 'village:440113007003', { aboveOrAtAssignee: true }), user('department', 4, 'dept:water')];
  const CHAINS: Record<string, string[]> = {
    'grid:44011300700301': toGrid.toUnit.chain,
    'grid:44011300700302': ['grid:44011300700302', 'village:440113007003', 'town:440113007', 'district:ops'],
  };
  const step = fc.record({
    actor: fc.integer({ min: 0, max: actors.length - 1 }),
    // Half of the steps pick the person who would usually take the action, so walks get far.
    usual: fc.boolean(),
    action: fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom<TicketAction>('accept', 'register', 'dispatch', 'start', 'report', 'close', 'rate') },
      { weight: 1, arbitrary: fc.constantFrom(...TICKET_ACTIONS) },
    ),
    rating: fc.integer({ min: 1, max: 5 }),
    days: fc.integer({ min: 1, max: 6 }),
    withPhoto: fc.boolean(),
    toGrid2: fc.boolean(),
  });

  it('keeps the invariants: an owner after dispatch, append-only history, closed tickets verified by someone else', () => {
    const reached = new Set<TicketStage>();
    fc.assert(
      fc.property(fc.array(step, { minLength: 100, maxLength: 300 }), (steps) => {
        let t = ticket();
        const history: Array<{ from: TicketStage; to: TicketStage; action: TicketAction }> = [];
        for (const s of steps) {
          const usual: Partial<Record<TicketAction, ActorFacts>> = { accept: duty, register: town, dispatch: duty, close: town, rate: duty, reopen: duty, cancel: duty, extend: duty, supervise: leader, escalate: system, request_revisit: duty, rework: actors[6] };
          const assignee = actors.find((x) => x.userId !== null && x.userId === t.assigneeUserId);
          const a = s.usual ? ((['start', 'report', 'return'].includes(s.action) ? assignee : usual[s.action]) ?? actors[s.actor]!) : actors[s.actor]!;
          const target = s.toGrid2 ? { toUnit: { code: 'grid:44011300700302', chain: ['grid:44011300700302', 'village:440113007003', 'town:440113007', 'district:ops'] }, toUser: { id: 9, unitCode: 'grid:44011300700302' } } : toGrid;
          const p: ActionParams = { ...target, note: s.withPhoto ? '' : '说明', attachmentCount: s.withPhoto ? 1 : 0, rating: s.rating, workingDays: s.days, escalateTo: 'district:ops' };
          const before = history.slice();
          const chain = CHAINS[t.assigneeUnit ?? ''] ?? [];
          const d = decideTicketAction(t, { ...a, aboveOrAtAssignee: a.unitCode !== null && chain.includes(a.unitCode) }, s.action, p);
          if (!d.ok) {
            expect(history).toEqual(before);
            continue;
          }
          const { supervisionDelta: _s, escalationDelta: _e, reopenDelta: _r, reworkDelta: _w, ...facts } = d.patch;
          const clockRunning = d.clock === 'start' || d.clock === 'restart' ? true : d.clock === 'stop' ? false : t.clockRunning;
          history.push({ from: t.stage, to: d.to, action: s.action });
          t = { ...t, ...facts, stage: d.to, clockRunning };
          // History is append-only: the earlier rows are unchanged.
          expect(history.slice(0, before.length)).toEqual(before);
          if (['dispatched', 'handling', 'reported', 'closed', 'rated'].includes(t.stage)) {
            expect(t.assigneeUnit, 'an owner after dispatch').not.toBeNull();
            expect(t.ownerUnits.length).toBeGreaterThan(0);
          }
          if (t.stage === 'closed' || t.stage === 'rated') {
            expect(t.verifierUserId).not.toBeNull();
            expect(t.verifierUserId).not.toBe(t.handlerUserId);
          }
          if (t.stage === 'closed') expect(t.handlerUserId).not.toBeNull();
          reached.add(t.stage);
        }
      }),
      { numRuns: 300 },
    );
    // The random walks do reach the far stages, so the invariants were exercised there.
    expect([...reached].sort()).toEqual(['accepted', 'cancelled', 'closed', 'dispatched', 'handling', 'rated', 'registered', 'reported']);
  });
});
