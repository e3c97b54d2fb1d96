import { describe, expect, it } from 'vitest';
import { PatrolPlanner } from './patrol-planner.ts';
import type { DockRepository } from '../repositories/dock.repository.ts';
import type { TaskRepository } from '../repositories/task.repository.ts';

const planner = new PatrolPlanner({} as DockRepository, {} as TaskRepository);

describe('keep-out fence of a dock', () => {
  it('carries the keep-out zones within reach of the dock as exclusion polygons, and only those', () => {
    // 钟村 dock, about 4 km from 广州南站.
    const near = planner.keepOutFence({ lat: 22.977, lon: 113.312 }, 7000);
    expect(near.length).toBeGreaterThanOrEqual(3);
    expect(near.every((it) => it.command === 5002 && it.param1 === near.length)).toBe(true);
    expect(near.some((it) => Math.abs(it.lat - 22.9886) < 0.01 && Math.abs(it.lon - 113.2694) < 0.01)).toBe(true);
    // 化龙, far east: neither 广州南站 nor (beyond 9 km) the heliport.
    expect(planner.keepOutFence({ lat: 23.03, lon: 113.47 }, 3000)).toEqual([]);
  });
});
