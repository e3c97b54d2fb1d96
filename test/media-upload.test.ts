/**
 * Drone images end to end over real sockets: the whole centre (PostgreSQL, aedes, hub) and images
 * rendered by the simulated camera, uploaded with a dock's own credentials — chunked, interrupted
 * and resumed; idempotent by SHA-256; refused when not an image, too large or badly posed; stored
 * on disk with a thumbnail; listed by sortie and place. The camera's spool keeps images through a
 * hub outage (and a restart of the camera) and delivers them when the hub is back.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../common/logger.ts';
import { startSystem, type TestSystem } from './support/system.ts';
import { AerialScene } from '../edge/world/aerial/aerial-scene.ts';
import { nadirPose, renderAerialImage } from '../edge/world/aerial/aerial-render.ts';
import { SimCamera } from '../edge/dock/camera/sim-camera.ts';
import { sha256Hex } from '../hub/services/media.service.ts';
import type { ImagePose, MediaListReply, MediaUploadReply, MediaView } from '../protocol/media.schema.ts';
import type { MissionItem } from '../protocol/vehicle.schema.ts';
import { GroundStation } from '../ground-station/core/ground-station.ts';
import { udpServerLink } from '../ground-station/link/udp-server.link.ts';
import { VehicleAction } from '../ground-station/action/vehicle-action.ts';
import { uploadItems } from '../ground-station/mission/mission.protocol.ts';
import { SimAutopilot } from '../edge/dock/sim-autopilot/sim-autopilot.ts';
import { udpEndpoint } from '../edge/dock/mavlink/byte-endpoint.ts';
import { distanceM, moveNe } from '../edge/dock/sim-autopilot/geo.ts';

const MAX_BYTES = 400_000;
let sys: TestSystem;
let dock: { sn: string; secret: string; lat: number; lon: number };
let basic: string;
let operatorToken: string;
const scene = new AerialScene({ seed: 77, density: { garbagePerBlock: 1, bannerPerBlock: 1 } });

async function render(northM: number, opts: { png?: boolean } = {}): Promise<{ bytes: Buffer; pose: ImagePose }> {
  const pose = nadirPose({ lat: dock.lat + northM / 111_320, lon: dock.lon, altRelM: 90, headingDeg: 45, altAmslM: 102, takenAt: new Date(Date.now() - 60_000).toISOString(), widthPx: 640, heightPx: 480 });
  const { jpeg } = await renderAerialImage(scene, pose, { png: opts.png });
  return { bytes: jpeg, pose };
}

async function http(method: string, url: string, opts: { body?: Buffer | string; headers?: Record<string, string>; auth?: string } = {}): Promise<{ status: number; headers: Headers; json: () => unknown; bytes: Buffer }> {
  const res = await fetch(new URL(url, sys.httpUrl), {
    method,
    body: typeof opts.body === 'string' || opts.body === undefined ? opts.body : Uint8Array.from(opts.body),
    headers: { ...(opts.auth ? { authorization: opts.auth } : {}), ...opts.headers },
  });
  const bytes = Buffer.from(await res.arrayBuffer());
  return { status: res.status, headers: res.headers, bytes, json: () => JSON.parse(bytes.toString('utf8')) };
}

const announce = (body: object, auth = basic) => http('POST', '/api/v1/media/uploads', { body: JSON.stringify(body), headers: { 'content-type': 'application/json' }, auth });
const putChunk = (sha: string, bytes: Buffer, start: number, end: number, auth = basic) =>
  http('PUT', `/api/v1/media/uploads/${sha}`, { body: bytes.subarray(start, end + 1), headers: { 'content-type': 'application/octet-stream', 'content-range': `bytes ${start}-${end}/${bytes.length}` }, auth });

beforeAll(async () => {
  sys = await startSystem({ YZG_MEDIA_MAX_BYTES: String(MAX_BYTES) });
  const cred = sys.centre.seedResult.docks![0]!;
  dock = cred;
  basic = `Basic ${Buffer.from(`${cred.sn}:${cred.secret}`).toString('base64')}`;
  operatorToken = await sys.login('operator');
}, 120_000);

afterAll(async () => {
  await sys?.stop();
});

describe('media upload API', () => {
  it('stores a rendered image uploaded in chunks, interrupted and resumed, with its pose, file and thumbnail', async () => {
    const { bytes, pose } = await render(0);
    const sha = sha256Hex(bytes);
    const meta = { sha256: sha, bytes: bytes.length, mime: 'image/jpeg', pose, sortieId: '41' };
    const first = await announce(meta);
    expect(first.status).toBe(201);
    expect(first.json()).toMatchObject({ status: 'pending', offset: 0, bytes: bytes.length });

    const chunk = 16 * 1024;
    let res = await putChunk(sha, bytes, 0, chunk - 1);
    expect(res.status).toBe(200);
    expect((res.json() as MediaUploadReply).offset).toBe(chunk);
    // the connection drops; a chunk sent from the wrong place is refused with the right offset
    res = await putChunk(sha, bytes, 2 * chunk, 3 * chunk - 1);
    expect(res.status).toBe(409);
    expect(res.headers.get('upload-offset')).toBe(String(chunk));
    // a restarted client asks where to resume: HEAD, or announcing again
    const head = await http('HEAD', `/api/v1/media/uploads/${sha}`, { auth: basic });
    expect(head.status).toBe(200);
    expect(head.headers.get('upload-offset')).toBe(String(chunk));
    const again = await announce(meta);
    expect(again.status).toBe(200);
    expect((again.json() as MediaUploadReply).offset).toBe(chunk);
    // a chunk already received (its reply was lost) is acknowledged, not written twice
    res = await putChunk(sha, bytes, 0, chunk - 1);
    expect((res.json() as MediaUploadReply).offset).toBe(chunk);

    let offset = chunk;
    let last: MediaUploadReply | undefined;
    while (offset < bytes.length) {
      const end = Math.min(bytes.length, offset + chunk) - 1;
      res = await putChunk(sha, bytes, offset, end);
      expect([200, 201]).toContain(res.status);
      last = res.json() as MediaUploadReply;
      offset = last.offset;
    }
    expect(res.status).toBe(201);
    expect(last!.status).toBe('complete');
    const media = last!.media!;
    expect(media).toMatchObject({ sha256: sha, mime: 'image/jpeg', bytes: bytes.length, widthPx: 640, heightPx: 480, dockSn: dock.sn, sortieId: 41 });
    expect(media.pose).toEqual(pose);

    const auth = `Bearer ${operatorToken}`;
    const file = await http('GET', media.url, { auth });
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('image/jpeg');
    expect(file.bytes.equals(bytes)).toBe(true);
    const thumb = await http('GET', `${media.thumbUrl}?token=${operatorToken}`);
    expect(thumb.status).toBe(200);
    const tm = await sharp(thumb.bytes).metadata();
    expect(tm.format).toBe('jpeg');
    expect(tm.width).toBe(320);
    expect(tm.height).toBe(240);
    expect((await http('GET', media.url)).status).toBe(401);

    // on disk: content-addressed original and thumbnail, nothing partial left behind
    const dir = path.join(sys.centre.config.dataDir, 'media');
    expect(fs.readFileSync(path.join(dir, sha.slice(0, 2), sha.slice(2, 4), `${sha}.jpg`)).equals(bytes)).toBe(true);
    expect(fs.existsSync(path.join(dir, sha.slice(0, 2), sha.slice(2, 4), `${sha}.thumb.jpg`))).toBe(true);
    expect(fs.readdirSync(path.join(dir, 'partial'))).toEqual([]);
    const audit = await sys.centre.hub.services.repos.audit.latest(20);
    expect(audit.some((a) => a.action === 'media.upload' && a.actor === dock.sn && a.target === String(media.id))).toBe(true);
  });

  it('keeps one record for the same bytes uploaded twice, by the dock or by a person', async () => {
    const { bytes, pose } = await render(150);
    const sha = sha256Hex(bytes);
    const meta = { sha256: sha, bytes: bytes.length, mime: 'image/jpeg', pose, sortieId: '42' };
    expect((await announce(meta)).status).toBe(201);
    const whole = await http('PUT', `/api/v1/media/uploads/${sha}`, { body: bytes, headers: { 'content-type': 'application/octet-stream' }, auth: basic });
    expect(whole.status).toBe(201);
    const id = (whole.json() as MediaUploadReply).media!.id;
    const twice = await announce(meta);
    expect(twice.status).toBe(200);
    expect(twice.json()).toMatchObject({ status: 'complete', media: { id } });
    const byPerson = await announce({ ...meta, dockSn: dock.sn }, `Bearer ${operatorToken}`);
    expect(byPerson.status).toBe(200);
    expect((byPerson.json() as MediaUploadReply).media!.id).toBe(id);
    const again = await http('PUT', `/api/v1/media/uploads/${sha}`, { body: bytes, headers: { 'content-type': 'application/octet-stream' }, auth: basic });
    expect(again.status).toBe(200);
    const list = (await http('GET', '/api/v1/media?sortieId=42', { auth: `Bearer ${operatorToken}` })).json() as MediaListReply;
    expect(list.items.map((m) => m.id)).toEqual([id]);
  });

  it('refuses what is not an image (415), too large (413), badly posed (400) or unauthenticated (401)', async () => {
    const { pose } = await render(300);
    const text = Buffer.from('这不是图片 / this is not an image\n'.repeat(50));
    const sha = sha256Hex(text);
    // the declared type is a lie: sharp reads the bytes at the end
    expect((await announce({ sha256: sha, bytes: text.length, mime: 'image/jpeg', pose })).status).toBe(201);
    const notImage = await http('PUT', `/api/v1/media/uploads/${sha}`, { body: text, headers: { 'content-type': 'application/octet-stream' }, auth: basic });
    expect(notImage.status).toBe(415);
    expect(notImage.json()).toMatchObject({ code: 'MEDIA_NOT_IMAGE' });
    expect((notImage.json() as { message: string }).message).toMatch(/不是可识别的图像/);
    expect((await http('HEAD', `/api/v1/media/uploads/${sha}`, { auth: basic })).status).toBe(404);
    const textType = await announce({ sha256: sha, bytes: text.length, mime: 'text/plain', pose });
    expect(textType.status).toBe(415);

    const png = await render(450, { png: true });
    expect(png.bytes.length).toBeGreaterThan(MAX_BYTES);
    const tooLarge = await announce({ sha256: sha256Hex(png.bytes), bytes: png.bytes.length, mime: 'image/png', pose: png.pose });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.json()).toMatchObject({ code: 'MEDIA_TOO_LARGE' });
    const bigChunk = await http('PUT', `/api/v1/media/uploads/${sha256Hex(png.bytes)}`, { body: png.bytes, headers: { 'content-type': 'application/octet-stream' }, auth: basic });
    expect(bigChunk.status).toBe(413);

    const { bytes } = await render(600);
    const good = { sha256: sha256Hex(bytes), bytes: bytes.length, mime: 'image/jpeg' };
    for (const bad of [{ ...pose, lat: 123 }, { ...pose, gimbalPitchDeg: -120 }, { ...pose, takenAt: 'yesterday' }, { lat: pose.lat, lon: pose.lon }]) {
      const res = await announce({ ...good, pose: bad });
      expect(res.status, JSON.stringify(bad)).toBe(400);
    }
    expect((await announce({ ...good, pose })).status).toBe(201);
    expect((await announce({ ...good, pose }, '')).status).toBe(401);
    expect((await announce({ ...good, pose }, `Basic ${Buffer.from(`${dock.sn}:wrong`).toString('base64')}`)).status).toBe(401);
    const sensor = sys.sensors[0]!;
    expect((await announce({ ...good, pose }, `Basic ${Buffer.from(`${sensor.sn}:${sensor.secret}`).toString('base64')}`)).status).toBe(403);
    expect((await announce({ ...good, pose, dockSn: 'DK-OTHER-01' })).status).toBe(403);
    const leader = await sys.login('leader');
    expect((await announce({ ...good, pose }, `Bearer ${leader}`)).status).toBe(403);
  });
});

describe('abandoned uploads', () => {
  it('drops an upload announced but never finished, with its partial bytes', async () => {
    const { bytes, pose } = await render(750);
    const sha = sha256Hex(bytes);
    expect((await announce({ sha256: sha, bytes: bytes.length, mime: 'image/jpeg', pose })).status).toBe(201);
    expect((await putChunk(sha, bytes, 0, 999)).status).toBe(200);
    const part = path.join(sys.centre.config.dataDir, 'media', 'partial', `${sha}.part`);
    expect(fs.statSync(part).size).toBe(1000);
    const media = sys.centre.hub.media;
    expect(await media.purgeAbandoned(Date.now())).toBe(0);
    expect(await media.purgeAbandoned(Date.now() + 8 * 86_400_000)).toBeGreaterThanOrEqual(1);
    expect((await http('HEAD', `/api/v1/media/uploads/${sha}`, { auth: basic })).status).toBe(404);
    expect(fs.existsSync(part)).toBe(false);
  });
});

/** A TCP proxy in front of the hub that can be taken down and brought back on the same port. */
async function hubProxy(target: URL): Promise<{ url: string; up(): Promise<void>; down(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return {
    url: `http://127.0.0.1:${port}`,
    async up() {
      server = net.createServer((client) => {
        const upstream = net.connect(Number(target.port), target.hostname);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => s.destroy());
        }
        client.pipe(upstream).pipe(client);
      });
      await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
    },
    async down() {
      for (const s of sockets) s.destroy();
      if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
      server = undefined;
    },
  };
}

describe('simulated camera', () => {
  it('keeps images taken while the hub is down, through a camera restart, and delivers them when the hub is back', async () => {
    const proxy = await hubProxy(new URL(sys.httpUrl));
    const spoolDir = fs.mkdtempSync(path.join(os.tmpdir(), 'yzg-camera-spool-'));
    const camOpts = { sn: dock.sn, secret: dock.secret, hubUrl: proxy.url, spoolDir, scene, log: silentLogger(), widthPx: 512, heightPx: 384, chunkBytes: 32 * 1024, retryBaseMs: 50, retryMaxMs: 300 };
    const cam1 = new SimCamera(camOpts).start();
    const shots = [];
    for (const [k, northM] of [0, 80, 160].entries()) {
      shots.push(await cam1.capture({ lat: dock.lat + northM / 111_320, lon: dock.lon + 0.001, altRelM: 100, altAmslM: 112, headingDeg: 90, atMs: Date.now() - 30_000 + k * 1000 }, { sortieId: '77' }));
    }
    // the hub is unreachable: the uploader keeps trying, the images stay in the spool
    const deadline = Date.now() + 20_000;
    while (cam1.uploader.stats.retries < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(cam1.uploader.stats.retries).toBeGreaterThanOrEqual(3);
    expect(cam1.uploader.stats.delivered).toBe(0);
    expect(cam1.spool.size).toBe(3);
    await cam1.stop();

    // the dock agent restarts with the same spool; the hub comes back
    const cam2 = new SimCamera(camOpts).start();
    await proxy.up();
    try {
      await cam2.flush(60_000);
      expect(cam2.uploader.stats.delivered).toBe(3);
      const list = (await http('GET', '/api/v1/media?sortieId=77', { auth: `Bearer ${operatorToken}` })).json() as MediaListReply;
      expect(list.items).toHaveLength(3);
      const bySha = new Map(list.items.map((m: MediaView) => [m.sha256, m]));
      for (const s of shots) {
        const m = bySha.get(s.sha256)!;
        expect(m).toBeDefined();
        expect(m.pose).toEqual(s.pose);
        expect(m.dockSn).toBe(dock.sn);
        expect(m.mime).toBe('image/jpeg');
        expect(m.fileName).toMatch(new RegExp(`^${dock.sn}_`));
      }
      // newest first; a bbox around the camera positions finds them, one far away does not
      expect(list.items.map((m) => m.pose.takenAt)).toEqual([...list.items.map((m) => m.pose.takenAt)].sort().reverse());
      const bbox = `${dock.lon},${dock.lat - 0.001},${dock.lon + 0.002},${dock.lat + 0.002}`;
      const near = (await http('GET', `/api/v1/media?sortieId=77&bbox=${bbox}`, { auth: `Bearer ${operatorToken}` })).json() as MediaListReply;
      expect(near.items).toHaveLength(3);
      const far = (await http('GET', `/api/v1/media?bbox=113.0,23.2,113.1,23.3`, { auth: `Bearer ${operatorToken}` })).json() as MediaListReply;
      expect(far.items).toHaveLength(0);
    } finally {
      await cam2.stop();
      await proxy.down();
      fs.rmSync(spoolDir, { recursive: true, force: true });
    }
  });
});

describe('camera triggers of a flown mission', () => {
  it('renders an image at each trigger with the drone\'s pose and files it under the sortie', async () => {
    const log = silentLogger();
    const gcs = new GroundStation({ log });
    const link = await udpServerLink({ port: 0 });
    gcs.addLink(link);
    const home = { lat: dock.lat, lon: dock.lon, altAmslM: 12 };
    const spoolDir = fs.mkdtempSync(path.join(os.tmpdir(), 'yzg-camera-spool-'));
    const camera = new SimCamera({ sn: dock.sn, secret: dock.secret, hubUrl: sys.httpUrl, spoolDir, scene, log, widthPx: 512, heightPx: 384 }).start();
    const ep = await udpEndpoint({ remote: { host: '127.0.0.1', port: link.port } });
    const sim = new SimAutopilot({ sysId: 9, home, endpoint: ep, log, timeScale: 25, ekfReadyAfterS: 2, onCameraCapture: (at) => void camera.capture(at, { sortieId: '88' }) }).start();
    try {
      const deadline = Date.now() + 20_000;
      while (!gcs.vehicle(9) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      const wp = (north: number, east: number, alt: number): MissionItem => ({ command: 16, frame: 3, param1: 0, param2: 0, param3: 0, param4: 0, ...moveNe(home, north, east), altM: alt, autocontinue: true });
      const cam: MissionItem = { command: 203, frame: 2, param1: 0, param2: 0, param3: 0, param4: 0, lat: 0, lon: 0, altM: 0, autocontinue: true };
      const mission: MissionItem[] = [
        { command: 22, frame: 3, param1: 0, param2: 0, param3: 0, param4: 0, lat: 0, lon: 0, altM: 60, autocontinue: true },
        wp(250, 0, 60),
        cam,
        wp(250, 250, 80),
        cam,
        { command: 20, frame: 3, param1: 0, param2: 0, param3: 0, param4: 0, lat: 0, lon: 0, altM: 0, autocontinue: true },
      ];
      expect((await uploadItems(gcs, 9, 'mission', mission)).outcome).toBe('accepted');
      const act = new VehicleAction(gcs, 9);
      expect((await act.setMode('GUIDED')).outcome).toBe('accepted');
      // arming is refused until the simulated estimator is ready (ArduPilot behaviour)
      let armed = await act.arm();
      for (let k = 0; k < 50 && armed.outcome !== 'accepted'; k++) {
        await new Promise((r) => setTimeout(r, 100));
        armed = await act.arm();
      }
      expect(armed.outcome).toBe('accepted');
      expect((await act.startMission()).outcome).toBe('accepted');
      const flown = Date.now() + 60_000;
      while (sim.snapshot().cameraCaptures < 2 && Date.now() < flown) await new Promise((r) => setTimeout(r, 50));
      expect(sim.snapshot().cameraCaptures).toBe(2);
      await camera.flush(60_000);
      const list = (await http('GET', '/api/v1/media?sortieId=88', { auth: `Bearer ${operatorToken}` })).json() as MediaListReply;
      expect(list.items).toHaveLength(2);
      const [second, first] = list.items as [MediaView, MediaView];
      expect(distanceM(first.pose, moveNe(home, 250, 0))).toBeLessThan(10);
      expect(distanceM(second.pose, moveNe(home, 250, 250))).toBeLessThan(10);
      expect(first.pose.altRelM).toBeGreaterThan(55);
      expect(second.pose.altRelM).toBeGreaterThan(75);
      for (const m of [first, second]) {
        expect(m.pose.altAmslM).toBeCloseTo(12 + m.pose.altRelM, 6);
        expect(m.pose.gimbalPitchDeg).toBe(-90);
        expect(m.dockSn).toBe(dock.sn);
        expect(m.widthPx).toBe(512);
      }
    } finally {
      sim.stop();
      await camera.stop();
      await ep.close();
      await gcs.close();
      fs.rmSync(spoolDir, { recursive: true, force: true });
    }
  });
});
