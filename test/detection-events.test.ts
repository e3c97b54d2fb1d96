/**
 * From detections to events with evidence, over real parts: the whole centre (embedded
 * PostgreSQL, aedes, hub with detection on: the real onnxruntime worker pool with the trained
 * city-events model) and a dock agent whose simulated camera renders the district.
 *
 * End to end: a rain-spot sensor reports deep water → its depth alarm opens a waterlogging event;
 * the scene shows water there; a patrol task over the spot selecting the city-events model is
 * flown; the images show the water, the model detects waterlogging near the spot, and the
 * detection is fused into the sensor's open event with the image as evidence (no second event).
 * Fusion rules: near → fused; far or another type → a new 'detection' event; below the model's
 * threshold → stored, no event.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AerialScene } from '../edge/world/aerial/aerial-scene.ts';
import type { DockAgent } from '../edge/dock/dock-agent.ts';
import { SimulatedWeatherStation } from '../edge/dock/weather-station.ts';
import type { DockView } from '../protocol/dock.schema.ts';
import type { CreateTaskBody, TaskView } from '../protocol/task.schema.ts';
import type { MediaView } from '../protocol/media.schema.ts';
import type { MediaDetectionsReply } from '../protocol/detection.schema.ts';
import type { AlarmView } from '../protocol/sensing.schema.ts';
import type { EventView, TicketDetailView } from '../protocol/workflow.schema.ts';
import type { DetectionRow } from '../hub/repositories/detection.repository.ts';
import { DetectionRepository } from '../hub/repositories/detection.repository.ts';
import { SYSTEM_ACTOR } from '../hub/services/org.service.ts';
import { startSystem, type TestSystem } from './support/system.ts';
import { createTestDatabase } from './support/database.ts';
import { startSimDock, until } from './support/sim-dock.ts';

let sys: TestSystem;
let agent: DockAgent;
const tokens: Record<string, string> = {};
const M_PER_DEG = 111_320;
const weather = new SimulatedWeatherStation({ windMps: 2, windFromDeg: 90, rainMmPerH: 0, temperatureC: 25 });
/** The rain spot the test floods (the seeded sensor nearest the 市桥 dock). */
let spot: { sn: string; lat: number; lon: number };
let floodedMm = 0;

async function api<T>(method: 'GET' | 'POST', url: string, as: string, payload?: unknown): Promise<{ status: number; body: T }> {
  const res = await sys.centre.hub.app.inject({ method, url, headers: { authorization: `Bearer ${tokens[as]}` }, ...(payload !== undefined ? { payload: payload as object } : {}) });
  return { status: res.statusCode, body: res.json() as T };
}

const distM = (a: { lat: number; lon: number }, b: { lat: number; lon: number }) => Math.hypot((a.lat - b.lat) * M_PER_DEG, (a.lon - b.lon) * M_PER_DEG * Math.cos((a.lat * Math.PI) / 180));
const offset = (p: { lat: number; lon: number }, northM: number, eastM: number) => ({ lat: p.lat + northM / M_PER_DEG, lon: p.lon + eastM / (M_PER_DEG * Math.cos((p.lat * Math.PI) / 180)) });

/** An image row without bytes; its detection run is marked done in the same statement, so the hub's own detection leaves it alone. */
async function insertMedia(sha: string, p: { lat: number; lon: number }): Promise<{ id: number; takenAt: string }> {
  const r = await sys.centre.pool.query<{ id: number; takenAt: string }>(
    `WITH m AS (INSERT INTO media (sha256, mime, bytes, width_px, height_px, path, thumb_path, taken_at, lat, lon, pose, uploaded_by)
                VALUES ($1, 'image/jpeg', 1000, 400, 300, 'x.jpg', 'x-t.jpg', now(), $2, $3, '{}', 'test') RETURNING id, taken_at),
          r AS (INSERT INTO detection_run (media_id, outcome, done_at) SELECT id, 'done', now() FROM m)
     SELECT id::int, taken_at::text AS "takenAt" FROM m`,
    [sha, p.lat, p.lon],
  );
  return r.rows[0]!;
}

beforeAll(async () => {
  sys = await startSystem({}, { sensingTickMs: 200, patrol: { tickMs: 300, watchMs: 300, leaseS: 5, launchRetryS: 1, rechargeS: 1 } });
  const cred = sys.centre.seedResult.docks!.find((d) => d.sn === 'DK-SQ-01')!;
  const sensors = await sys.centre.pool.query<{ sn: string; lat: number; lon: number }>(`SELECT sn, lat, lon FROM device WHERE kind = 'sensor' AND NOT disabled`);
  spot = sensors.rows.sort((a, b) => distM(a, cred) - distM(b, cred))[0]!;
  // The world's water at the spot: dry until the test floods it.
  const scene = new AerialScene({ seed: 11, rainSpots: [{ sn: spot.sn, lat: spot.lat, lon: spot.lon }], waterDepthMm: (sn) => (sn === spot.sn ? floodedMm : 0) });
  agent = await startSimDock(sys, 'DK-SQ-01', { timeScale: 25, ekfReadyAfterS: 1, gcsTimeoutMs: 60_000 }, { camera: { scene }, weather });
  for (const u of ['water', 'duty']) tokens[u] = await sys.login(u);
  await until('the dock ready and its drone linked', async () => {
    const d = (await api<DockView[]>('GET', '/api/v1/docks', 'duty')).body.find((x) => x.sn === 'DK-SQ-01');
    return d?.droneLinked && d.state === 'idle' && d.online;
  }, 120_000);
}, 180_000);

afterAll(async () => {
  await agent?.stop();
  await sys?.stop();
});

describe('detections become events with evidence', () => {
  it('a patrol over a flooded spot: the water is detected and fused into the sensor\'s open event with the image as evidence', { timeout: 300_000 }, async () => {
    expect(sys.centre.hub.detection?.detector.models().map((m) => m.id)).toContain('yzg-city-events');
    // The sensor at the spot reports 30 cm of water; its depth alarm opens a waterlogging event.
    floodedMm = 300;
    let seq = 1;
    const alarm = await until('the sensor\'s depth alarm with its event', async () => {
      await sys.publishReading(spot.sn, { seq: seq++, ts: new Date().toISOString(), depthMm: floodedMm });
      const open = (await api<Array<AlarmView & { eventId: number | null }>>('GET', '/api/v1/alarms?state=open', 'duty')).body;
      return open.find((a) => a.sourceSn === spot.sn && a.kind === 'depth' && a.eventId !== null);
    });
    const sensorEvent = (await api<EventView>('GET', `/api/v1/events/${alarm.eventId}`, 'duty')).body;
    expect(sensorEvent).toMatchObject({ type: 'waterlogging', source: 'sensor', status: 'open' });
    expect(sensorEvent.evidence).toEqual([]);

    // A water-department patrol over the spot with the city-events model.
    const [sw, ne] = [offset(spot, -60, -60), offset(spot, 60, 60)];
    const task: CreateTaskBody = {
      title: '积水点复核巡查',
      type: 'waterlogging-check',
      purpose: '核实传感器报警点积水情况',
      geometry: { kind: 'polygon', coordinates: [[sw.lon, sw.lat], [ne.lon, sw.lat], [ne.lon, ne.lat], [sw.lon, ne.lat]] },
      altitudeM: 60,
      schedule: { kind: 'once' },
      priority: 1,
      models: ['yzg-city-events'],
    };
    const t = await api<TaskView>('POST', '/api/v1/tasks', 'water', task);
    expect(t.status, JSON.stringify(t.body)).toBe(201);
    expect((await api<TaskView>('POST', `/api/v1/tasks/${t.body.id}/decision`, 'duty', { decision: 'approve' })).body.status).toBe('approved');
    await until('the task flown', async () => (await api<TaskView>('GET', `/api/v1/tasks/${t.body.id}`, 'water')).body.status === 'done', 240_000);
    const taken = agent.simulator!.snapshot().cameraCaptures;
    const media = await until('every image filed', async () => {
      const m = (await api<{ items: MediaView[] }>('GET', `/api/v1/media?taskId=${t.body.id}&limit=500`, 'water')).body.items;
      return m.length === taken && m.length > 0 ? m : undefined;
    });
    // Every image is run through its models (the text detector and the task's city-events model).
    const t0 = Date.now();
    const detections = await until(
      'every image processed',
      async () => {
        const all = await Promise.all(media.map(async (m) => (await api<MediaDetectionsReply>('GET', `/api/v1/media/${m.id}/detections`, 'water')).body));
        return all.every((d) => d.status === 'done') ? all : undefined;
      },
      180_000,
    );
    const perImageMs = (Date.now() - t0) / media.length;
    const water = detections.flatMap((d) => d.items.filter((x) => x.class === 'waterlogging' && x.modelId === 'yzg-city-events'));
    expect(water.length, 'waterlogging detected in the images').toBeGreaterThan(0);
    const best = water.sort((a, b) => b.score - a.score)[0]!;
    expect(distM({ lat: best.lat!, lon: best.lon! }, spot), 'the best waterlogging box lies at the spot').toBeLessThan(30);
    // Fused into the sensor's event: it now carries the images as evidence, and no second waterlogging event opened near it.
    const fused = water.filter((x) => x.eventId !== null);
    expect(fused.length).toBeGreaterThan(0);
    const elsewhere = fused.filter((x) => x.eventId !== sensorEvent.id).map((x) => ({ eventId: x.eventId, score: x.score, m: distM({ lat: x.lat!, lon: x.lon! }, spot), errorM: x.errorM, extentM: x.extentM }));
    expect(elsewhere, 'waterlogging detections joined to another event').toEqual([]);
    expect(new Set(fused.map((x) => x.eventId))).toEqual(new Set([sensorEvent.id]));
    const after = (await api<EventView>('GET', `/api/v1/events/${sensorEvent.id}`, 'duty')).body;
    expect(after.source).toBe('sensor');
    expect(after.evidence!.length).toBeGreaterThan(0);
    expect(after.evidence!.length).toBeLessThanOrEqual(media.length);
    const ev = after.evidence![0]!;
    expect(ev).toMatchObject({ class: 'waterlogging', thumbUrl: `/api/v1/media/${ev.mediaId}/thumb` });
    expect(ev.score).toBeGreaterThanOrEqual(0.35);
    expect(ev.box[2]).toBeGreaterThan(ev.box[0]);
    expect((await sys.centre.hub.app.inject({ method: 'GET', url: ev.thumbUrl, headers: { authorization: `Bearer ${tokens.duty}` } })).statusCode).toBe(200);
    const ticket = (await api<TicketDetailView>('GET', `/api/v1/tickets/${sensorEvent.ticketId}`, 'duty')).body;
    expect(ticket.evidence!.map((e) => e.detectionId)).toEqual(after.evidence!.map((e) => e.detectionId));
    const events = (await api<EventView[]>('GET', '/api/v1/events?open=true&limit=500', 'duty')).body;
    expect(events.filter((e) => e.type === 'waterlogging' && distM(e, spot) < 100).map((e) => e.id)).toEqual([sensorEvent.id]);
    const audit = await sys.centre.pool.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'event.evidence' AND target = $1`, [String(sensorEvent.id)]);
    expect(audit.rows[0].n).toBe(after.evidence!.length);
    console.log(`detection e2e: ${media.length} images, ${water.length} waterlogging boxes, best ${best.score.toFixed(2)} at ${distM({ lat: best.lat!, lon: best.lon! }, spot).toFixed(1)} m, ${after.evidence!.length} evidence images, ~${perImageMs.toFixed(0)} ms/image after landing`);
  });

  it('fusion rules: near → fused, far or another type → a new event, below threshold → stored only', async () => {
    const service = sys.centre.hub.detection!.service;
    const repo = new DetectionRepository(sys.centre.pool);
    // A place in 市桥 away from the flown spot, a sensor's open waterlogging event there.
    const p = offset(spot, 900, -700);
    const { event: sensorEvent } = await sys.centre.hub.services.workflow.events.reportEvent(
      { type: 'waterlogging', severity: 2, title: '测试积水点', lat: p.lat, lon: p.lon, source: 'sensor', sourceRef: 'WL-FUSE/depth' },
      SYSTEM_ACTOR,
    );
    // An image there.
    const sha = 'f'.repeat(63) + '1';
    const media = await insertMedia(sha, p);
    const at = (northM: number, eastM: number) => offset(p, northM, eastM);
    const det = (cls: string, eventType: string, score: number, place: { lat: number; lon: number }, errorM = 2) => ({
      mediaId: media.id,
      modelId: 'yzg-city-events',
      class: cls,
      eventType,
      score,
      box: [10, 10, 60, 50] as [number, number, number, number],
      lat: place.lat,
      lon: place.lon,
      errorM,
      extentM: 0,
      createdAt: new Date(),
    });
    const rows: DetectionRow[] = await repo.replaceForMedia(media.id, [
      det('waterlogging', 'waterlogging', 0.9, at(12, 5)), // near → fused
      det('waterlogging', 'waterlogging', 0.7, at(-20, 0)), // near, same image → linked, not a second piece of evidence
      det('waterlogging', 'waterlogging', 0.8, at(55, 0), 20), // 55 m, but error 20 m → radius 60 m → fused
      det('waterlogging', 'waterlogging', 0.85, at(400, 0)), // far → new event
      det('garbage', 'exposed_garbage', 0.8, at(5, 0)), // other type at the spot → new event
      det('waterlogging', 'waterlogging', 0.2, at(0, 0)), // below the model's 0.35 → no event
    ]);
    const out = await service.fuse({ id: media.id, takenAt: new Date(media.takenAt).toISOString() }, rows);
    const by = (i: number) => out.find((o) => o.detectionId === rows[i]!.id)!;
    expect(by(0)).toMatchObject({ outcome: 'fused', eventId: sensorEvent.id });
    expect(by(1)).toMatchObject({ outcome: 'fused', eventId: sensorEvent.id });
    expect(by(2)).toMatchObject({ outcome: 'fused', eventId: sensorEvent.id });
    expect(by(3).outcome).toBe('opened');
    expect(by(4).outcome).toBe('opened');
    expect(by(5)).toEqual({ detectionId: rows[5]!.id, outcome: 'kept', reason: 'below-threshold' });
    const far = (await api<EventView>('GET', `/api/v1/events/${(by(3) as { eventId: number }).eventId}`, 'duty')).body;
    expect(far).toMatchObject({ type: 'waterlogging', source: 'detection', status: 'open' });
    expect(far.evidence!.map((e) => e.detectionId)).toEqual([rows[3]!.id]);
    const garbage = (await api<EventView>('GET', `/api/v1/events/${(by(4) as { eventId: number }).eventId}`, 'duty')).body;
    expect(garbage).toMatchObject({ type: 'exposed_garbage', source: 'detection' });
    // The sensor's event: one image, one piece of evidence (its best box).
    const sensorAfter = (await api<EventView>('GET', `/api/v1/events/${sensorEvent.id}`, 'duty')).body;
    expect(sensorAfter.evidence!.map((e) => [e.detectionId, e.score])).toEqual([[rows[0]!.id, expect.closeTo(0.9, 5)]]);
    // Every detection stays stored, the low one without an event.
    const stored = (await api<MediaDetectionsReply>('GET', `/api/v1/media/${media.id}/detections`, 'duty')).body;
    expect(stored.items).toHaveLength(6);
    expect(stored.items.find((d) => d.id === rows[5]!.id)!.eventId).toBeNull();
    // A second image of the far place later strengthens that event instead of opening another.
    const m2 = await insertMedia('f'.repeat(63) + '2', p);
    const rows2 = await repo.replaceForMedia(m2.id, [{ ...det('waterlogging', 'waterlogging', 0.6, at(410, 8)), mediaId: m2.id }]);
    const out2 = await service.fuse({ id: m2.id, takenAt: new Date().toISOString() }, rows2);
    expect(out2[0]).toMatchObject({ outcome: 'fused', eventId: far.id });
    expect((await api<EventView>('GET', `/api/v1/events/${far.id}`, 'duty')).body.evidence).toHaveLength(2);
  });

  it('two images of one new object fused at the same time (two nodes or workers) open one event, not two', async () => {
    const service = sys.centre.hub.detection!.service;
    const repo = new DetectionRepository(sys.centre.pool);
    const p = offset(spot, -1500, 1200);
    const images = await Promise.all(['3', '4', '5', '6'].map((k) => insertMedia('e'.repeat(63) + k, p)));
    const rows = await Promise.all(
      images.map((media, i) =>
        repo.replaceForMedia(media.id, [
          { mediaId: media.id, modelId: 'yzg-city-events', class: 'garbage', eventType: 'exposed_garbage', score: 0.8 - i * 0.05, box: [10, 10, 60, 50], lat: offset(p, i * 3, 0).lat, lon: p.lon, errorM: 2, extentM: 0, createdAt: new Date() },
        ]),
      ),
    );
    const outs = await Promise.all(images.map((media, i) => service.fuse({ id: media.id, takenAt: new Date().toISOString() }, rows[i]!)));
    const outcomes = outs.map((o) => o[0]!);
    expect(outcomes.filter((o) => o.outcome === 'opened')).toHaveLength(1);
    expect(outcomes.filter((o) => o.outcome === 'fused')).toHaveLength(3);
    const ids = new Set(outcomes.map((o) => (o as { eventId: number }).eventId));
    expect(ids.size).toBe(1);
    const event = (await api<EventView>('GET', `/api/v1/events/${[...ids][0]}`, 'duty')).body;
    expect(event.evidence).toHaveLength(4);
  });

  it('durable: an image is claimed once, reclaimed when its lease lapses (a node stopped mid-run), and never after it is done', async () => {
    const db = await createTestDatabase();
    try {
      const repo = new DetectionRepository(db.pool);
      const ids: number[] = [];
      for (const n of [1, 2]) {
        const r = await db.pool.query<{ id: number }>(
          `INSERT INTO media (sha256, mime, bytes, width_px, height_px, path, thumb_path, taken_at, lat, lon, pose, uploaded_by)
           VALUES ($1, 'image/jpeg', 1000, 400, 300, 'x.jpg', 'x-t.jpg', now(), 22.95, 113.37, '{}', 'test') RETURNING id::int`,
          ['e'.repeat(63) + n],
        );
        ids.push(r.rows[0]!.id);
      }
      // Two nodes claim at once: no image goes to both (a node that loses the race gets it next scan).
      const [a, b] = await Promise.all([repo.claim(1, 300, 3), repo.claim(1, 300, 3)]);
      const first = [...a!, ...b!];
      expect(first.length).toBeGreaterThanOrEqual(1);
      expect(new Set(first).size).toBe(first.length);
      const rest = await repo.claim(5, 300, 3);
      expect([...first, ...rest].sort((x, y) => x - y)).toEqual(ids);
      expect(await repo.claim(5, 300, 3)).toEqual([]);
      // The first finishes; the second's node stops mid-run: after its lease it is claimed again.
      await repo.finish(ids[0]!, 'done', ['yzg-city-events']);
      await db.pool.query(`UPDATE detection_run SET lease_until = now() - interval '1 second' WHERE media_id = $1`, [ids[1]]);
      expect(await repo.claim(5, 300, 3)).toEqual([ids[1]]);
      expect(await repo.status(ids[0]!)).toBe('done');
      expect(await repo.status(ids[1]!)).toBe('pending');
      // Out of attempts: left alone.
      await db.pool.query(`UPDATE detection_run SET lease_until = now() - interval '1 second', attempts = 3 WHERE media_id = $1`, [ids[1]]);
      expect(await repo.claim(5, 300, 3)).toEqual([]);
    } finally {
      await db.drop();
    }
  });
});
