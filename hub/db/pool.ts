/** The PostgreSQL connection pool. */
import pg from 'pg';
import type { Logger } from '../../common/logger.ts';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

/** Opens a pool on `url`; pool errors (a server restart) are logged, never thrown. */
export function createPool(url: string, log: Logger, max = 10): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max, connectionTimeoutMillis: 5000, idleTimeoutMillis: 30_000 });
  pool.on('error', (err) => log.warn({ err: err.message }, 'idle database connection failed'));
  return pool;
}
