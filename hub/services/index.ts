/** Builds the hub's services and repositories over one pool. */
import type { Logger } from '../../common/logger.ts';
import type { Pool } from '../db/pool.ts';
import { AuditRepository } from '../repositories/audit.repository.ts';
import { DeviceRepository } from '../repositories/device.repository.ts';
import { ReadingRepository } from '../repositories/reading.repository.ts';
import { RegionRepository } from '../repositories/region.repository.ts';
import { UserRepository } from '../repositories/user.repository.ts';
import { AuthService } from './auth.service.ts';
import { DeviceService } from './device.service.ts';

/** Repositories and services of one hub node. */
export interface HubServices {
  repos: {
    users: UserRepository;
    devices: DeviceRepository;
    readings: ReadingRepository;
    regions: RegionRepository;
    audit: AuditRepository;
  };
  auth: AuthService;
  devices: DeviceService;
}

/** Wires repositories and services. */
export function createHubServices(pool: Pool, log: Logger): HubServices {
  const repos = {
    users: new UserRepository(pool),
    devices: new DeviceRepository(pool),
    readings: new ReadingRepository(pool),
    regions: new RegionRepository(pool),
    audit: new AuditRepository(pool),
  };
  const auth = new AuthService(repos.users, repos.devices, repos.audit, log.child({ module: 'auth' }));
  return { repos, auth, devices: new DeviceService(repos.devices, repos.readings, repos.audit, auth) };
}
