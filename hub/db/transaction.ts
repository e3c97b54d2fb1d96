/** Runs work in one database transaction. */
import type { Pool, PoolClient } from './pool.ts';

/** Runs `fn` inside BEGIN … COMMIT on one connection; rolls back and rethrows when it throws. */
export async function withTransaction<T>(pool: Pool, fn: (c: PoolClient) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    const out = await fn(c);
    await c.query('COMMIT');
    return out;
  } catch (err) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    c.release();
  }
}
