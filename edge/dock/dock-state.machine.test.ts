import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DOCK_STATES } from '../../protocol/dock.schema.ts';
import { dockTransition, type DockStateEvent } from './dock-state.machine.ts';

const events: DockStateEvent[] = [
  { type: 'prepare-launch' },
  { type: 'lid-opened' },
  { type: 'drone-airborne' },
  { type: 'launch-timeout' },
  { type: 'abort-launch' },
  { type: 'drone-returning' },
  { type: 'drone-landed', atDock: true },
  { type: 'drone-landed', atDock: false },
  { type: 'charged' },
  { type: 'fault', reason: 'lid motor stalled' },
  { type: 'reset-fault' },
];

describe('dock state machine', () => {
  it('runs a whole sortie: launch, flight, return, charge', () => {
    let s = 'idle' as (typeof DOCK_STATES)[number];
    const seq: DockStateEvent[] = [{ type: 'prepare-launch' }, { type: 'lid-opened' }, { type: 'drone-airborne' }, { type: 'drone-returning' }, { type: 'lid-opened' }, { type: 'drone-landed', atDock: true }, { type: 'charged' }];
    const seen = [s];
    for (const e of seq) {
      const t = dockTransition(s, e);
      expect(t.ok).toBe(true);
      if (t.ok) s = t.state;
      seen.push(s);
    }
    expect(seen).toEqual(['idle', 'lid-opening', 'launching', 'in-flight', 'landing', 'landing', 'charging', 'idle']);
  });

  it('refuses a launch while flying, with a reason', () => {
    const t = dockTransition('in-flight', { type: 'prepare-launch' });
    expect(t).toMatchObject({ ok: false });
    expect(t.reason).toMatch(/不能起飞/);
  });

  it('stays in a known state under any sequence of events, and fault is always reachable and resettable', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...events), { maxLength: 60 }), (seq) => {
        let s: (typeof DOCK_STATES)[number] = 'idle';
        for (const e of seq) {
          const t = dockTransition(s, e);
          if (t.ok) s = t.state;
          expect(DOCK_STATES).toContain(s);
          expect(t.reason.length).toBeGreaterThan(0);
        }
        const f = dockTransition(s, { type: 'fault', reason: 'x' });
        const faulted = f.ok ? f.state : s;
        expect(faulted).toBe('fault');
        expect(dockTransition(faulted, { type: 'reset-fault' })).toMatchObject({ ok: true, state: 'idle' });
      }),
    );
  });
});
