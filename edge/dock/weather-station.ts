/**
 * The dock's weather station. The simulated one (SIMULATOR) blows a gusty wind around a mean and
 * can be set by tests; a real one would read an anemometer and a rain gauge behind the same shape.
 */
import type { DockWeather } from '../../protocol/dock.schema.ts';

/** A source of weather readings. */
export interface WeatherStation {
  read(nowMs: number): DockWeather;
}

/** SIMULATOR — weather with a mean wind, slow gusts, and an optional fixed override. */
export class SimulatedWeatherStation implements WeatherStation {
  private override: Partial<DockWeather> = {};

  constructor(
    private readonly mean: DockWeather = { windMps: 3.5, windFromDeg: 135, rainMmPerH: 0, temperatureC: 26 },
    private readonly phase = Math.random() * 1000,
  ) {}

  /** Fixes some readings (tests, demos); pass `{}` to go back to the simulation. */
  set(w: Partial<DockWeather>): void {
    this.override = { ...w };
  }

  read(nowMs: number): DockWeather {
    const t = nowMs / 1000 + this.phase;
    const gust = 1.2 * Math.sin(t / 17) + 0.6 * Math.sin(t / 5.3);
    const w: DockWeather = {
      windMps: Math.max(0, Math.round((this.mean.windMps + gust) * 10) / 10),
      windFromDeg: Math.round((this.mean.windFromDeg + 20 * Math.sin(t / 40) + 360) % 360),
      rainMmPerH: this.mean.rainMmPerH,
      temperatureC: Math.round((this.mean.temperatureC + Math.sin(t / 600)) * 10) / 10,
    };
    return { ...w, ...this.override };
  }
}
