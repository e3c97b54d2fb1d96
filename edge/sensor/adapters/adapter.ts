/**
 * The device-adapter interface of the sensor agent: one adapter per kind of gauge (the simulator,
 * a Modbus RTU radar level gauge, …). Adding a vendor = one file here plus its contract test.
 */

/** One sample in canonical units, whatever the gauge speaks. */
export interface SensorSample {
  /** Water depth above the road surface, millimetres. */
  depthMm: number;
  /** Rain intensity, mm/h (gauges with a rain sensor). */
  rainMmPerH?: number;
  /** Battery charge, percent. */
  batteryPct?: number;
  /** Radio signal strength, dBm. */
  rssiDbm?: number;
}

/** A source of samples. `read` rejects when the gauge does not answer or answers garbage. */
export interface SensorAdapter {
  /** Adapter name, e.g. `simulator`, `modbus-radar`. */
  readonly name: string;
  read(nowMs: number): Promise<SensorSample>;
  close?(): Promise<void>;
}
