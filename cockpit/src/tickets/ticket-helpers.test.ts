import { describe, expect, it } from 'vitest';
import { dueState } from './ticket-format.ts';
import { ticketQueryString } from './ticket-api.ts';
import { parseTicketMessage } from './ticket-live.ts';
import { fitScale } from './photo-resize.ts';

const base = { stage: 'dispatched' as const, overdue: false, closedOnTime: null };

describe('ticket helpers', () => {
  it('counts down to the due time and turns overdue after it', () => {
    const due = Date.parse('2026-07-01T12:00:00Z');
    expect(dueState({ ...base, dueAt: '2026-07-01T12:00:00Z' }, due - (3 * 60 + 12) * 60_000)).toEqual({ text: '剩余 3时12分', overdue: false });
    expect(dueState({ ...base, dueAt: '2026-07-01T12:00:00Z' }, due + 65 * 60_000)).toEqual({ text: '超期 1时5分', overdue: true });
    expect(dueState({ ...base, dueAt: '2026-07-01T12:00:00Z' }, due - 2 * 86_400_000)).toEqual({ text: '剩余 2天0时', overdue: false });
    expect(dueState({ ...base, dueAt: null, overdue: false }, due)).toEqual({ text: '未计时', overdue: false });
    expect(dueState({ ...base, stage: 'closed', dueAt: '2026-07-01T12:00:00Z', closedOnTime: false }, due + 1)).toEqual({ text: '已结案（超期）', overdue: false });
  });

  it('writes queue filters as the list endpoint expects them', () => {
    expect(ticketQueryString({ stage: ['dispatched', 'handling'], tier: 8 })).toBe('stage=dispatched&stage=handling&tier=8&limit=200');
    expect(ticketQueryString({ mine: true, overdue: true, limit: 10 })).toBe('overdue=true&mine=true&limit=10');
  });

  it('keeps only well-formed ticket live messages', () => {
    const m = { type: 'ticket', ticketId: 3, no: 'YZG-1', action: 'start', stage: 'handling', version: 5 };
    expect(parseTicketMessage(JSON.stringify(m))).toMatchObject({ ticketId: 3, stage: 'handling' });
    expect(parseTicketMessage(JSON.stringify({ type: 'reading', sn: 'x' }))).toBeNull();
    expect(parseTicketMessage(JSON.stringify({ ...m, version: '5' }))).toBeNull();
    expect(parseTicketMessage('not json')).toBeNull();
    expect(parseTicketMessage('null')).toBeNull();
  });

  it('fits photos into 1280 px without enlarging small ones', () => {
    expect(fitScale(1600, 1200)).toBe(0.8);
    expect(fitScale(3000, 4000)).toBe(0.32);
    expect(fitScale(640, 480)).toBe(1);
  });
});
