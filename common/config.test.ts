import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import { CONFIG_KEYS, ConfigError, envExample, loadConfig } from './config.ts';

describe('config loader', () => {
  it('applies documented defaults', () => {
    const c = loadConfig({}, '/srv/yzg');
    expect(c.httpPort).toBe(8080);
    expect(c.dataDir).toBe('/srv/yzg/.data');
    expect(c.databaseUrl).toBeUndefined();
  });

  it('reports every invalid key at once', () => {
    try {
      loadConfig({ YZG_HTTP_PORT: 'eighty', YZG_MQTT_PORT: '70000', DATABASE_URL: 'not a url', YZG_LOG_LEVEL: 'loud', YZG_TYPO: '1', YZG_JWT_SECRET: 'short' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const p = (err as ConfigError).problems.join('\n');
      for (const key of ['YZG_HTTP_PORT', 'YZG_MQTT_PORT', 'DATABASE_URL', 'YZG_LOG_LEVEL', 'YZG_TYPO', 'YZG_JWT_SECRET']) expect(p).toContain(key);
    }
  });

  it('documents every key in .env.example', () => {
    const committed = fs.readFileSync(new URL('../.env.example', import.meta.url), 'utf8');
    expect(committed).toBe(envExample());
    for (const spec of Object.values(CONFIG_KEYS)) expect(committed).toContain(spec.env);
  });
});
