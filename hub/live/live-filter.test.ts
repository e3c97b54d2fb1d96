import { describe, expect, it } from 'vitest';
import { mayReceive } from './live-filter.ts';
import type { LiveMessage } from '../../protocol/api.schema.ts';

const ticket = (regionCode: string) => ({ type: 'ticket', ticketId: 1, no: 'T1', action: 'dispatch', stage: 'dispatched', version: 2, regionCode, assigneeUnit: null, ownerUnits: [], at: '' }) as unknown as LiveMessage;

describe('live message filter', () => {
  const gridWorker = { userId: 7, regionCode: '44011300700301' };
  const duty = { userId: 2, regionCode: '440113' };
  const otherTown = { userId: 9, regionCode: '440113008' };

  it('gives a ticket change to people whose area holds it, not to others', () => {
    expect(mayReceive(gridWorker, ticket('44011300700301'))).toBe(true);
    expect(mayReceive(duty, ticket('44011300700301'))).toBe(true);
    expect(mayReceive(otherTown, ticket('44011300700301'))).toBe(false);
    expect(mayReceive(gridWorker, ticket('44011300700302'))).toBe(false);
  });

  it('gives a personal notification only to its recipient', () => {
    const n = { type: 'notification', id: 1, kind: 'dispatched', ticketId: 1, recipientUnit: null, recipientUserId: 7, title: '', at: '' } as LiveMessage;
    expect(mayReceive(gridWorker, n)).toBe(true);
    expect(mayReceive(otherTown, n)).toBe(false);
  });

  it('lets everyone see district-wide readings', () => {
    const r = { type: 'readings', receivedAt: '', readings: [{ sn: 'WL-1', seq: 1, ts: '', depthMm: 1 }] } as LiveMessage;
    expect(mayReceive(otherTown, r)).toBe(true);
  });
});
