import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, MIGRATIONS_DIR } from '../hub/db/migrate.ts';
import { silentLogger } from '../common/logger.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase({ migrate: false });
});
afterAll(async () => db.drop());

describe('migrations', () => {
  it('apply once, then are a no-op', async () => {
    const first = await migrate(db.pool, silentLogger());
    expect(first).toContain('001_init.sql');
    expect(await migrate(db.pool, silentLogger())).toEqual([]);
  });

  it('create sensor_reading as a time-partitioned table when TimescaleDB is absent', async () => {
    const ts = await db.pool.query("SELECT 1 FROM pg_extension WHERE extname = 'timescaledb'");
    const parts = await db.pool.query("SELECT count(*)::int AS n FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhparent WHERE c.relname = 'sensor_reading'");
    if (ts.rowCount === 0) expect(parts.rows[0].n).toBeGreaterThanOrEqual(2);
  });

  it('refuse to run when an applied migration was edited', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yzg-mig-'));
    for (const f of fs.readdirSync(MIGRATIONS_DIR)) fs.copyFileSync(path.join(MIGRATIONS_DIR, f), path.join(dir, f));
    fs.appendFileSync(path.join(dir, '001_init.sql'), '\n-- edited\n');
    await expect(migrate(db.pool, silentLogger(), dir)).rejects.toThrow(/checksum mismatch/);
    fs.rmSync(dir, { recursive: true });
  });

  it('keep the audit log append-only', async () => {
    await db.pool.query("INSERT INTO audit_log (actor_kind, actor, action) VALUES ('system', 'test', 'x')");
    await expect(db.pool.query('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
    await expect(db.pool.query("UPDATE audit_log SET actor = 'y'")).rejects.toThrow(/append-only/);
  });
});
