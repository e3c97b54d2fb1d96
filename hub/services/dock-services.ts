/** Wires the dock, vehicle and flight repositories and services (issue 4). */
import type { Logger } from '../../common/logger.ts';
import type { Pool } from '../db/pool.ts';
import type { AuditRepository } from '../repositories/audit.repository.ts';
import { DockRegistrationRepository, DockRepository } from '../repositories/dock.repository.ts';
import { FlightRepository } from '../repositories/flight.repository.ts';
import { VehicleRepository } from '../repositories/vehicle.repository.ts';
import { DockService } from './dock.service.ts';
import { FlightService } from './flight.service.ts';

/** Repositories and services of the docks. */
export interface DockServices {
  repos: { docks: DockRepository; vehicles: VehicleRepository; flights: FlightRepository; registrations: DockRegistrationRepository };
  docks: DockService;
  flights: FlightService;
}

/** Builds them over one pool. */
export function createDockServices(pool: Pool, audit: AuditRepository, log: Logger): DockServices {
  const repos = { docks: new DockRepository(pool), vehicles: new VehicleRepository(pool), flights: new FlightRepository(pool), registrations: new DockRegistrationRepository(pool) };
  return { repos, docks: new DockService(repos.docks, repos.vehicles, audit, log.child({ module: 'dock-service' })), flights: new FlightService(repos.flights) };
}
