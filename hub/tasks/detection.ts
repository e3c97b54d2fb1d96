/**
 * Detection of one hub node, composed: the detector's worker pool, the service that turns images
 * into detections and events with evidence, and the evidence on event and ticket details.
 */
import { systemClock, type Clock } from '../../common/clock.ts';
import type { Logger } from '../../common/logger.ts';
import { createDetector, type Detector, type DetectorOptions } from '../../analytics/detection/detector.ts';
import type { Pool } from '../db/pool.ts';
import { DetectionRepository } from '../repositories/detection.repository.ts';
import type { TaskRepository } from '../repositories/task.repository.ts';
import { DetectionService, type DetectionTuning } from '../services/detection.service.ts';
import type { HubServices } from '../services/index.ts';
import type { MediaService } from '../services/media.service.ts';

/** Options of detection on the hub: the detector (or its options) and the tunables. */
export interface DetectionOptions extends DetectionTuning {
  /** A running detector (tests share one), or the options to start one. */
  detector: Detector | Omit<DetectorOptions, 'log'>;
  clock?: Clock;
}

/** The running detection. */
export interface HubDetection {
  service: DetectionService;
  detector: Detector;
  close(): Promise<void>;
}

/** Starts detection: each stored image is run through its models and fused into events. */
export async function startDetection(pool: Pool, services: HubServices, media: MediaService, tasks: TaskRepository, log: Logger, o: DetectionOptions): Promise<HubDetection> {
  const dlog = log.child({ module: 'detection' });
  const { detector: _d, clock, ...tuning } = o;
  const own = !('detect' in o.detector);
  const detector = 'detect' in o.detector ? o.detector : await createDetector({ ...o.detector, log });
  const service = new DetectionService(
    {
      repo: new DetectionRepository(pool),
      detector,
      media,
      events: services.workflow.events,
      audit: services.repos.audit,
      modelsOfSortie: async (sortieId) => {
        const sortie = await tasks.findSortie(String(sortieId));
        if (!sortie) return [];
        const rows = await Promise.all(sortie.taskIds.map((id) => tasks.find(id)));
        return rows.flatMap((t) => t?.models ?? []);
      },
      clock: clock ?? systemClock,
      log: dlog,
    },
    tuning,
  );
  const evidence = (eventId: number) => service.evidence(eventId);
  services.workflow.events.setEvidence(evidence);
  services.workflow.tickets.setEvidence(evidence);
  service.start();
  return {
    service,
    detector,
    async close() {
      await service.stop();
      if (own) await detector.close();
    },
  };
}
