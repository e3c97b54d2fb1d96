/** People's accounts. */
import type { Pool } from '../db/pool.ts';
import type { Role } from '../../protocol/roles.ts';

/** A person's account row. */
export interface UserRow {
  id: number;
  username: string;
  displayName: string;
  passwordHash: string;
  role: Role;
  regionCode: string;
  disabled: boolean;
}

const COLS = `id, username, display_name AS "displayName", password_hash AS "passwordHash", role,
  region_code AS "regionCode", disabled`;

/** Reads and writes `app_user`. */
export class UserRepository {
  constructor(private readonly db: Pool) {}

  /** The account with that username, or null. */
  async findByUsername(username: string): Promise<UserRow | null> {
    const r = await this.db.query<UserRow>(`SELECT ${COLS} FROM app_user WHERE username = $1`, [username]);
    return r.rows[0] ?? null;
  }

  /** The account with that id, or null. */
  async findById(id: number): Promise<UserRow | null> {
    const r = await this.db.query<UserRow>(`SELECT ${COLS} FROM app_user WHERE id = $1`, [id]);
    return r.rows[0] ?? null;
  }

  /** Creates an account, or leaves an existing one of that username untouched; returns whether it was created. */
  async insertIfAbsent(u: Omit<UserRow, 'id' | 'disabled'>): Promise<boolean> {
    const r = await this.db.query(
      `INSERT INTO app_user (username, display_name, password_hash, role, region_code)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT (username) DO NOTHING`,
      [u.username, u.displayName, u.passwordHash, u.role, u.regionCode],
    );
    return r.rowCount === 1;
  }
}
