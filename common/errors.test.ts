import { describe, expect, it } from 'vitest';
import { AppError, CommonErrors, type ErrorFactory } from './errors.ts';
import { AuthErrors } from '../hub/services/auth.service.ts';
import { DeviceErrors } from '../hub/services/device.service.ts';
import { WorkflowErrors } from '../hub/workflow/ticket-machine.ts';
import { RoutingErrors } from '../hub/services/routing.service.ts';
import { EventErrors } from '../hub/services/event.service.ts';
import { NotificationErrors } from '../hub/services/notification.service.ts';
import { KpiErrors } from '../hub/services/kpi.service.ts';
import { Open311Errors } from '../hub/services/open311.service.ts';
import { SensingErrors } from '../hub/services/sensing.service.ts';
import { PlanErrors } from '../hub/planning/plan-errors.ts';
import { DetectionErrors } from '../analytics/detection/detection.errors.ts';
import { TaskErrors } from '../hub/services/task.service.ts';
import { ScheduleErrors } from '../hub/tasks/task-schedule.ts';
import { DockErrors } from '../hub/services/dock.service.ts';
import { FlightErrors } from '../hub/services/flight.service.ts';
import { MediaErrors } from '../hub/services/media.service.ts';

const catalogues: Record<string, Record<string, ErrorFactory>> = { CommonErrors, AuthErrors, DeviceErrors, WorkflowErrors, RoutingErrors, EventErrors, NotificationErrors, KpiErrors, Open311Errors, SensingErrors, DetectionErrors, PlanErrors, TaskErrors, ScheduleErrors, DockErrors, FlightErrors, MediaErrors };

describe('error catalogues', () => {
  it('give every error a code equal to its name, in UPPER_SNAKE, with an HTTP status and a Chinese message', () => {
    const seen = new Set<string>();
    for (const [cat, errors] of Object.entries(catalogues)) {
      for (const [name, make] of Object.entries(errors)) {
        const e = make();
        expect(e).toBeInstanceOf(AppError);
        expect(e.code, `${cat}.${name}`).toBe(name);
        expect(name).toMatch(/^[A-Z][A-Z0-9_]*$/);
        expect(e.statusCode).toBeGreaterThanOrEqual(400);
        expect(e.message).toMatch(/[\u4e00-\u9fff]/);
        expect(seen.has(name), `duplicate code ${name}`).toBe(false);
        seen.add(name);
      }
    }
  });
});
