/** Wire contracts shared by the centre, the edge and the cockpit. Pure: no I/O. */
export * from './topics.ts';
export * from './sensor.schema.ts';
export * from './api.schema.ts';
export * from './roles.ts';
export * from './bands.ts';
export * from './validate.ts';
export * from './vehicle.schema.ts';
export * from './dock.schema.ts';
export * from './workflow.schema.ts';
export * from './sensing.schema.ts';
export * from './airframe.ts';
export * from './plan.schema.ts';
export * from './task.schema.ts';
export * from './media.schema.ts';
export * from './detection.schema.ts';
