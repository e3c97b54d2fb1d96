/**
 * SIMULATOR — the simulated district: a rain field and a water model per rain-prone spot. The
 * simulated sensors read it; a scenario, a seed and a time speed-up replay it exactly.
 */
import { hash01 } from './prng.ts';
import { RainField, scenario, type ScenarioName } from './rain-field.ts';
import { WaterModel, type SpotHydraulics } from './water-model.ts';

/** A rain-prone spot of the world. */
export interface WorldSpot {
  sn: string;
  lat: number;
  lon: number;
  /** Kind of place, e.g. 下穿隧道 (underpass) — lower places flood more. */
  kind?: string;
}

/** Options of a world. */
export interface WorldOptions {
  scenario: ScenarioName;
  seed: number;
  /** Real time at which the scenario starts. */
  startMs: number;
  /** Simulated seconds per real second (1 = real time). */
  speed?: number;
}

const KIND_GAIN: Record<string, number> = { 下穿隧道: 1.4, 地下通道: 1.3, 立交桥底: 1.15, 低洼路段: 1.0 };

/** Hydraulics of a spot, stable for its serial number and kind. */
export function hydraulicsOf(spot: WorldSpot): SpotHydraulics {
  const k = KIND_GAIN[spot.kind ?? ''] ?? 1;
  return {
    gain: (2.5 + 3.5 * hash01(spot.sn, 7)) * k,
    drainMmPerH: 60 + 120 * hash01(spot.sn, 11),
    seepagePerH: 0.3,
  };
}

/** The simulated district. */
export class World {
  readonly field: RainField;
  private readonly speed: number;
  private readonly water = new Map<string, WaterModel>();

  constructor(
    private readonly opts: WorldOptions,
    spots: readonly WorldSpot[],
  ) {
    this.speed = opts.speed ?? 1;
    this.field = scenario(opts.scenario, opts.seed, opts.startMs);
    for (const s of spots) {
      this.water.set(s.sn, new WaterModel(hydraulicsOf(s), opts.startMs, (t) => this.field.intensityMmPerH(s.lat, s.lon, t)));
    }
    this.spots = new Map(spots.map((s) => [s.sn, s]));
  }

  private readonly spots: Map<string, WorldSpot>;

  /** Simulated time for a real time. */
  simTime(realMs: number): number {
    return this.opts.startMs + (realMs - this.opts.startMs) * this.speed;
  }

  /** Rain (mm/h) and depth (mm) at a spot at a real time. */
  sample(sn: string, realMs: number): { depthMm: number; rainMmPerH: number } {
    const spot = this.spots.get(sn);
    const model = this.water.get(sn);
    if (!spot || !model) throw new Error(`spot ${sn} is not in the world`);
    const t = this.simTime(realMs);
    return { depthMm: Math.round(model.depthAt(t)), rainMmPerH: this.field.intensityMmPerH(spot.lat, spot.lon, t) };
  }
}
