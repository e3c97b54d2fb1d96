/** Flight records (take-off to landing) for the operator console and the reports. */
import { defineErrors } from '../../common/errors.ts';
import type { FlightView } from '../../protocol/dock.schema.ts';
import type { FlightRepository } from '../repositories/flight.repository.ts';

/** Errors of flight queries. */
export const FlightErrors = defineErrors({
  FLIGHT_NOT_FOUND: { status: 404, message: '飞行记录不存在 / no such flight' },
});

/** Reads flights. */
export class FlightService {
  constructor(private readonly flights: FlightRepository) {}

  /** Flights, newest first, optionally of one dock. */
  list(q: { dockSn?: string; limit?: number }): Promise<FlightView[]> {
    return this.flights.list({ dockSn: q.dockSn, limit: q.limit ?? 50 });
  }

  /** One flight with its track. */
  async get(id: number): Promise<FlightView> {
    const f = await this.flights.get(id);
    if (!f) throw FlightErrors.FLIGHT_NOT_FOUND(undefined, { id });
    return f;
  }
}
