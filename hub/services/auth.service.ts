/** Sign-in of people (argon2id password hashes) and authentication of devices (hashed secrets). */
import crypto from 'node:crypto';
import argon2 from 'argon2';
import { defineErrors } from '../../common/errors.ts';
import type { Logger } from '../../common/logger.ts';
import type { DeviceKind } from '../../protocol/topics.ts';
import type { UserView } from '../../protocol/api.schema.ts';
import type { UserRepository } from '../repositories/user.repository.ts';
import type { DeviceRepository } from '../repositories/device.repository.ts';
import type { AuditRepository } from '../repositories/audit.repository.ts';

/** Errors of sign-in. */
export const AuthErrors = defineErrors({
  AUTH_BAD_CREDENTIALS: { status: 401, message: '用户名或密码错误 / wrong username or password' },
  AUTH_ACCOUNT_DISABLED: { status: 403, message: '账号已停用 / account disabled' },
});

/** Hash of a person's password (argon2id, library defaults: 64 MiB, t=3). */
export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id });
}

/**
 * Hash of a device secret. Device secrets are 256-bit random tokens, so a light argon2id
 * (4 MiB, t=2) is enough and keeps reconnect storms of hundreds of devices cheap.
 */
export function hashDeviceSecret(secret: string): Promise<string> {
  return argon2.hash(secret, { type: argon2.argon2id, memoryCost: 4096, timeCost: 2, parallelism: 1 });
}

/** A new random device secret (base64url, 256 bits). */
export function newDeviceSecret(): string {
  return crypto.randomBytes(32).toString('base64url');
}

// A fixed hash to verify against when the user does not exist, so timing does not reveal it.
const DUMMY_HASH = '$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHRzb21lc2FsdA$0uFKmo1UHDlRxY0Z4TJ1M2oRbuPoZpq6GDHZJ1DhXvI';

/** Signs people in and authenticates devices. */
export class AuthService {
  // Successful device verifications, by sn → sha256(secret), so reconnects skip argon2.
  private readonly deviceCache = new Map<string, { digest: string; kind: DeviceKind; at: number }>();

  constructor(
    private readonly users: UserRepository,
    private readonly devices: DeviceRepository,
    private readonly audit: AuditRepository,
    private readonly log: Logger,
    private readonly deviceCacheTtlMs = 5 * 60_000,
  ) {}

  /** Checks a person's password; throws AUTH_BAD_CREDENTIALS. The attempt is audited either way. */
  async login(username: string, password: string, ip?: string): Promise<UserView> {
    const user = await this.users.findByUsername(username);
    const ok = await argon2.verify(user?.passwordHash ?? DUMMY_HASH, password).catch(() => false);
    if (!user || !ok) {
      await this.audit.append({ actorKind: 'user', actor: username, action: 'auth.login', outcome: 'bad-credentials', ip });
      throw AuthErrors.AUTH_BAD_CREDENTIALS();
    }
    if (user.disabled) {
      await this.audit.append({ actorKind: 'user', actor: username, action: 'auth.login', outcome: 'disabled', ip });
      throw AuthErrors.AUTH_ACCOUNT_DISABLED();
    }
    await this.audit.append({ actorKind: 'user', actor: username, action: 'auth.login', ip });
    return { id: user.id, username: user.username, displayName: user.displayName, role: user.role, regionCode: user.regionCode };
  }

  /** The current view of a signed-in person, or null when the account is gone or disabled. */
  async currentUser(id: number): Promise<UserView | null> {
    const user = await this.users.findById(id);
    if (!user || user.disabled) return null;
    return { id: user.id, username: user.username, displayName: user.displayName, role: user.role, regionCode: user.regionCode };
  }

  /** Verifies a device's MQTT credentials (the broker's authenticator). */
  async authenticateDevice(sn: string, secret: string): Promise<{ kind: DeviceKind; sn: string } | null> {
    const digest = crypto.createHash('sha256').update(secret).digest('hex');
    const hit = this.deviceCache.get(sn);
    if (hit && hit.digest === digest && Date.now() - hit.at < this.deviceCacheTtlMs) return { kind: hit.kind, sn };
    const device = await this.devices.findCredentials(sn);
    if (!device || device.disabled) return null;
    const ok = await argon2.verify(device.secretHash, secret).catch(() => false);
    if (!ok) {
      this.log.warn({ sn }, 'device presented a wrong secret');
      return null;
    }
    this.deviceCache.set(sn, { digest, kind: device.kind, at: Date.now() });
    return { kind: device.kind, sn };
  }

  /** Forgets cached verifications of a device (after its secret is rotated or it is disabled). */
  forgetDevice(sn: string): void {
    this.deviceCache.delete(sn);
  }
}
