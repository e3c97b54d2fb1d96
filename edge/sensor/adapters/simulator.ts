/**
 * SIMULATOR adapter — stands in for a gauge in the field: depth and rain come from the simulated
 * district (`edge/world/`), battery drains slowly, the radio signal wanders.
 */
import type { World } from '../../world/world.ts';
import { hash01 } from '../../world/prng.ts';
import type { SensorAdapter, SensorSample } from './adapter.ts';

/** An adapter that reads spot `sn` of `world`. */
export function simulatorAdapter(sn: string, world: World): SensorAdapter {
  let batteryPct = 60 + 40 * hash01(sn, 3);
  let lastMs: number | undefined;
  return {
    name: 'simulator',
    async read(nowMs: number): Promise<SensorSample> {
      const { depthMm, rainMmPerH } = world.sample(sn, nowMs);
      if (lastMs !== undefined) batteryPct = Math.max(5, batteryPct - ((nowMs - lastMs) / 3_600_000) * 0.05);
      lastMs = nowMs;
      const rssiDbm = -70 - Math.round(20 * hash01(sn, Math.floor(nowMs / 60_000)));
      return { depthMm, rainMmPerH, batteryPct: Math.round(batteryPct * 10) / 10, rssiDbm };
    },
  };
}
