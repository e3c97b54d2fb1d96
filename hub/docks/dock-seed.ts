/**
 * Seeds the docks of `data/docks.json` (one per town) as `device` rows of kind 'dock' and writes
 * their credentials for the simulated dock fleet. Idempotent like the sensor seed: a dock whose
 * secret the credentials file lost gets a new one.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../../common/logger.ts';
import type { DockRegistrationRepository } from '../repositories/dock.repository.ts';
import type { DeviceRepository } from '../repositories/device.repository.ts';
import { hashDeviceSecret, newDeviceSecret } from '../services/auth.service.ts';

/** One dock in `data/docks.json`. */
export interface DockSeed {
  sn: string;
  name: string;
  lat: number;
  lon: number;
  altAmslM: number;
  regionCode: string;
  droneSysId: number;
  coverageRadiusM: number;
}

/** Credentials of a seeded dock, as the dock fleet reads them. */
export type DockCredential = Omit<DockSeed, 'name' | 'regionCode' | 'coverageRadiusM'> & { secret: string; name: string };

/** Seeds the docks; returns their credentials (also written to `credentialsFile`, mode 0600). */
export async function seedDocks(opts: { registrations: DockRegistrationRepository; devices: DeviceRepository; forget: (sn: string) => void; dataDir: string; credentialsFile: string; log: Logger }): Promise<{ created: number; credentials: DockCredential[] }> {
  const { docks } = JSON.parse(await fs.readFile(path.join(opts.dataDir, 'docks.json'), 'utf8')) as { docks: DockSeed[] };
  const known = new Map<string, string>();
  try {
    for (const c of JSON.parse(await fs.readFile(opts.credentialsFile, 'utf8')) as DockCredential[]) known.set(c.sn, c.secret);
  } catch {
    // no credentials file yet
  }
  const reg = opts.registrations;
  let created = 0;
  const credentials: DockCredential[] = [];
  for (const d of docks) {
    let secret = known.get(d.sn);
    const exists = (await opts.devices.findCredentials(d.sn)) !== null;
    if (!exists || secret === undefined) {
      secret = newDeviceSecret();
      const secretHash = await hashDeviceSecret(secret);
      if (await reg.insert({ ...d, secretHash })) created += 1;
      else {
        await opts.devices.setSecretHash(d.sn, secretHash);
        opts.forget(d.sn);
      }
    } else {
      await reg.insert({ ...d, secretHash: '' });
    }
    credentials.push({ sn: d.sn, secret, name: d.name, lat: d.lat, lon: d.lon, altAmslM: d.altAmslM, droneSysId: d.droneSysId });
  }
  await fs.mkdir(path.dirname(opts.credentialsFile), { recursive: true });
  await fs.writeFile(opts.credentialsFile, JSON.stringify(credentials, null, 1), { mode: 0o600 });
  opts.log.info({ docks: docks.length, created }, 'seeded docks');
  return { created, credentials };
}
