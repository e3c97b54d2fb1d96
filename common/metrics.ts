/** Prometheus metrics: one registry per process (or per test app), passed in, never global. */
import { Registry, collectDefaultMetrics } from 'prom-client';

export { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Creates a registry; with `defaults`, also the process metrics (CPU, memory, event loop). */
export function createRegistry(defaults = false): Registry {
  const registry = new Registry();
  if (defaults) collectDefaultMetrics({ register: registry, prefix: 'yzg_' });
  return registry;
}

/** Returns the metric of that name in the registry, creating it when absent (several modules may ask). */
export function metricOnce<T>(registry: Registry, name: string, make: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? make();
}
