/**
 * Seeds reference data (regions, rain-prone spots with their sensors) and demo accounts. Idempotent:
 * a second run changes nothing but makes sure every seeded sensor has a secret in the fleet
 * credentials file (rotating the stored hash when the file lost it).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../../common/logger.ts';
import type { Role } from '../../protocol/roles.ts';
import type { HubServices } from '../services/index.ts';
import type { RegionRow } from '../repositories/region.repository.ts';
import type { OrgUnitRow } from '../repositories/org.repository.ts';
import { hashDeviceSecret, hashPassword, newDeviceSecret } from '../services/auth.service.ts';
import { seedDocks, type DockCredential } from '../docks/dock-seed.ts';

/** Folder of the reference data files. */
export const DATA_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../data');

/** Credentials of one simulated device, as the fleet reads them. */
export interface DeviceCredential {
  sn: string;
  secret: string;
  name: string;
  lat: number;
  lon: number;
  regionCode: string;
  /** Kind of place (下穿隧道, 低洼路段 …), for the simulated water model. */
  kind?: string;
}

/** What a seed run did. */
export interface SeedResult {
  regions: number;
  usersCreated: number;
  sensorsCreated: number;
  credentials: DeviceCredential[];
  /** Seeded docks and their secrets (also in `dock-credentials.json` beside the fleet credentials). */
  docks?: DockCredential[];
}

async function readJson<T>(file: string): Promise<T> {
  return JSON.parse(await fs.readFile(path.join(DATA_DIR, file), 'utf8')) as T;
}

/** Seeds everything; writes the fleet's credentials to `credentialsFile` (mode 0600). */
export async function seed(services: HubServices, opts: { demoPassword: string; credentialsFile: string; log: Logger }): Promise<SeedResult> {
  const { repos } = services;
  const { regions } = await readJson<{ regions: RegionRow[] }>('panyu-regions.json');
  await repos.regions.upsertMany(regions);

  const { users } = await readJson<{ users: Array<{ username: string; displayName: string; role: Role; regionCode: string }> }>('demo-users.json');
  let usersCreated = 0;
  const demoHash = await hashPassword(opts.demoPassword);
  for (const u of users) {
    if (await repos.users.insertIfAbsent({ ...u, passwordHash: demoHash })) usersCreated += 1;
  }

  // The eight-level workflow: org units of every tier, default routing rules and time limits, the 12345 demo client.
  const { units } = await readJson<{ units: OrgUnitRow[] }>('org-units.json');
  await services.workflow.org.seedUnits(units, regions, users);
  await services.workflow.routing.seedDefaults(await readJson('routing-rules.json'));
  await services.workflow.open311.registerClient('12345热线（演示）', `12345-${opts.demoPassword}`);

  const { spots } = await readJson<{ spots: Array<Omit<DeviceCredential, 'secret'>> }>('rain-spots.json');
  const known = new Map<string, string>();
  try {
    const prior = JSON.parse(await fs.readFile(opts.credentialsFile, 'utf8')) as DeviceCredential[];
    for (const c of prior) known.set(c.sn, c.secret);
  } catch {
    // no credentials file yet
  }
  let sensorsCreated = 0;
  const credentials: DeviceCredential[] = [];
  for (const s of spots) {
    let secret = known.get(s.sn);
    const exists = (await repos.devices.findCredentials(s.sn)) !== null;
    if (!exists) {
      secret = newDeviceSecret();
      await repos.devices.insert({ sn: s.sn, kind: 'sensor', name: s.name, lat: s.lat, lon: s.lon, regionCode: s.regionCode, secretHash: await hashDeviceSecret(secret) });
      sensorsCreated += 1;
    } else if (secret === undefined) {
      secret = newDeviceSecret();
      await repos.devices.setSecretHash(s.sn, await hashDeviceSecret(secret));
      services.auth.forgetDevice(s.sn);
      opts.log.info({ sn: s.sn }, 'rotated the secret of a seeded sensor (credentials file had none)');
    }
    credentials.push({ sn: s.sn, secret: secret!, name: s.name, lat: s.lat, lon: s.lon, regionCode: s.regionCode, kind: s.kind });
  }
  await fs.mkdir(path.dirname(opts.credentialsFile), { recursive: true });
  await fs.writeFile(opts.credentialsFile, JSON.stringify(credentials, null, 1), { mode: 0o600 });
  if (usersCreated + sensorsCreated > 0) {
    await repos.audit.append({ actorKind: 'system', actor: 'seed', action: 'seed', details: { usersCreated, sensorsCreated, regions: regions.length } });
  }
  opts.log.info({ regions: regions.length, usersCreated, sensorsCreated }, 'seeded');
  // Drone docks, one per town (issue 4).
  const docks = await seedDocks({ registrations: services.docks.repos.registrations, devices: repos.devices, forget: (sn) => services.auth.forgetDevice(sn), dataDir: DATA_DIR, credentialsFile: path.join(path.dirname(opts.credentialsFile), 'dock-credentials.json'), log: opts.log });
  return { regions: regions.length, usersCreated, sensorsCreated, credentials, docks: docks.credentials };
}
