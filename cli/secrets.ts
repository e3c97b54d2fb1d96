/** Secrets that a demo install generates once and keeps in the data folder (mode 0600). */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** Generated secrets of this install. */
export interface LocalSecrets {
  jwtSecret: string;
  servicePassword: string;
}

/** Reads `secrets.json` from `dataDir`, creating it (and any missing key) on first use. */
export function loadOrCreateSecrets(dataDir: string): LocalSecrets {
  const file = path.join(dataDir, 'secrets.json');
  let current: Partial<LocalSecrets> = {};
  try {
    current = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<LocalSecrets>;
  } catch {
    // first start
  }
  const next: LocalSecrets = {
    jwtSecret: current.jwtSecret ?? crypto.randomBytes(48).toString('base64url'),
    servicePassword: current.servicePassword ?? crypto.randomBytes(32).toString('base64url'),
  };
  if (next.jwtSecret !== current.jwtSecret || next.servicePassword !== current.servicePassword) {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(file, JSON.stringify(next, null, 1), { mode: 0o600 });
  }
  return next;
}
