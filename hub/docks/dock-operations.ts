/**
 * The hub's side of the docks: the centre's MAVLink ground station (MQTT tunnel, optionally a UDP
 * server for docks that reach the centre directly), the dock MQTT channels (osd, state, events,
 * services_reply, status — each payload validated, bad ones counted and dropped), drone telemetry
 * to the database and the live WebSocket, flight detection, and dock service calls with replies.
 * The operator API reaches all of it through `DockService`, which gets this as its port.
 */
import crypto from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from '../../common/logger.ts';
import { Counter, metricOnce, type Registry } from '../../common/metrics.ts';
import { allDevicesFilter, dockTopic, parseDeviceTopic } from '../../protocol/topics.ts';
import { DeviceStatus } from '../../protocol/sensor.schema.ts';
import { DockEvent, DockOsd, DockServiceReply, DockStateMsg, type DockServiceName, type DockServiceRequest } from '../../protocol/dock.schema.ts';
import type { MissionItem, VehicleTelemetry } from '../../protocol/vehicle.schema.ts';
import { parseJsonPayload, validator } from '../../protocol/validate.ts';
import { GroundStation } from '../../ground-station/core/ground-station.ts';
import { mqttTunnelLink } from '../../ground-station/link/mqtt-tunnel.link.ts';
import { udpServerLink } from '../../ground-station/link/udp-server.link.ts';
import { VehicleAction } from '../../ground-station/action/vehicle-action.ts';
import { uploadItems, type UploadResult } from '../../ground-station/mission/mission.protocol.ts';
import type { LiveBus } from '../live/live-bus.ts';
import type { DockRepository } from '../repositories/dock.repository.ts';
import type { VehicleRepository, VehicleTelemetryRow } from '../repositories/vehicle.repository.ts';
import type { FlightRepository } from '../repositories/flight.repository.ts';
import type { DeviceRepository } from '../repositories/device.repository.ts';
import { FlightTracker } from './flight-tracker.ts';

const osdV = validator(DockOsd);
const stateV = validator(DockStateMsg);
const eventV = validator(DockEvent);
const replyV = validator(DockServiceReply);
const statusV = validator(DeviceStatus);

/** Options of the dock operations. */
export interface DockOperationsOptions {
  mqtt: { url: string; username: string; password: string; clientId: string };
  repos: { docks: DockRepository; vehicles: VehicleRepository; flights: FlightRepository; devices: DeviceRepository };
  live: LiveBus;
  log: Logger;
  registry: Registry;
  /** Also listen for MAVLink on this UDP port (0 = any free port; undefined = no UDP server). */
  udpPort?: number;
  /** Store a flying drone's position at most this often, ms (on the ground: every 10 s). */
  storeEveryMs?: number;
  /** Push a drone's telemetry to the live WebSocket at most this often, ms. */
  liveEveryMs?: number;
}

/** What the operator service needs from the running dock operations. */
export interface DockOperationsPort {
  /** Commands to the drone with MAVLink system id `sysId`. */
  action(sysId: number): VehicleAction;
  /** Latest telemetry of a drone, or undefined. */
  telemetry(sysId: number): VehicleTelemetry | undefined;
  /** Whether the ground station hears the drone. */
  linked(sysId: number): boolean;
  /** The drone of a dock, as learned from the dock and the tunnel. */
  droneOf(dockSn: string): number | undefined;
  /** Asks a dock for a service and waits for its reply. */
  callDock(sn: string, method: DockServiceName, timeoutMs: number, params?: DockServiceRequest['params']): Promise<DockServiceReply | 'timeout'>;
  /** Resolves true once `pred` holds for the drone's telemetry, false after `timeoutMs`. */
  waitForTelemetry(sysId: number, pred: (t: VehicleTelemetry) => boolean, timeoutMs: number): Promise<boolean>;
  /** Uploads a keep-in fence (a circle around the dock) that the autopilot enforces on its own. */
  uploadKeepInFence(sysId: number, center: { lat: number; lon: number }, radiusM: number): Promise<UploadResult>;
  /** Uploads a fence (circle and polygon inclusion/exclusion items). */
  uploadFence(sysId: number, items: MissionItem[]): Promise<UploadResult>;
  /** Uploads a mission (items after ArduPilot's home item). */
  uploadMission(sysId: number, items: MissionItem[]): Promise<UploadResult>;
}

/** Running dock operations. */
export interface DockOperations extends DockOperationsPort {
  gcs: GroundStation;
  /** The bound UDP port, when a UDP server runs. */
  udpPort?: number;
  close(): Promise<void>;
}

/** Starts the ground station and the dock channels. */
export async function startDockOperations(opts: DockOperationsOptions): Promise<DockOperations> {
  const log = opts.log.child({ module: 'docks' });
  const r = opts.registry;
  const rejected = metricOnce(r, 'yzg_mqtt_rejected_total', () => new Counter({ name: 'yzg_mqtt_rejected_total', help: 'MQTT messages dropped as invalid', labelNames: ['channel', 'reason'], registers: [r] }));
  const { docks, vehicles, flights, devices } = opts.repos;
  const storeEveryMs = opts.storeEveryMs ?? 500;
  const liveEveryMs = opts.liveEveryMs ?? 500;

  const gcs = new GroundStation({ log, registry: r });
  const dockBySys = new Map<number, string>();
  const sysByDock = new Map<string, number>();
  const learn = (sn: string, sysId: number) => {
    if (sysByDock.get(sn) === sysId && dockBySys.get(sysId) === sn) return;
    sysByDock.set(sn, sysId);
    dockBySys.set(sysId, sn);
  };
  const pending = new Map<string, (reply: DockServiceReply) => void>();

  const client: MqttClient = mqtt.connect(opts.mqtt.url, {
    username: opts.mqtt.username,
    password: opts.mqtt.password,
    clientId: opts.mqtt.clientId,
    protocolVersion: 4,
    clean: true,
    reconnectPeriod: 1000,
  });
  client.on('error', (err) => log.warn({ err: err.message }, 'dock mqtt client error'));
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
  const channels = ['osd', 'state', 'events', 'services_reply', 'status'] as const;
  await client.subscribeAsync(channels.map((c) => allDevicesFilter('dock', c)), { qos: 1 });
  client.on('connect', () => client.subscribe(channels.map((c) => allDevicesFilter('dock', c)), { qos: 1 }));

  const reject = (channel: string, topic: string, errors: string[]) => {
    rejected.inc({ channel, reason: 'bad-payload' });
    log.warn({ topic, errors }, 'dock message rejected');
  };

  const handle = async (topic: string, payload: Buffer): Promise<void> => {
    const t = parseDeviceTopic(topic);
    if (!t || t.kind !== 'dock' || t.channel === 'mavlink/up') return;
    const sn = t.sn;
    switch (t.channel) {
      case 'osd': {
        const v = parseJsonPayload(payload, osdV);
        if (!v.ok) return reject(t.channel, topic, v.errors);
        learn(sn, v.value.droneSysId);
        await docks.insertOsd(sn, v.value);
        opts.live.publish({ type: 'dock-osd', sn, osd: v.value });
        return;
      }
      case 'state': {
        const v = parseJsonPayload(payload, stateV);
        if (!v.ok) return reject(t.channel, topic, v.errors);
        learn(sn, v.value.droneSysId);
        await docks.setState(sn, v.value.state, v.value.reason, v.value.droneSysId, new Date(v.value.ts));
        opts.live.publish({ type: 'dock-state', sn, state: v.value.state, ts: v.value.ts, ...(v.value.reason ? { reason: v.value.reason } : {}) });
        return;
      }
      case 'events': {
        const v = parseJsonPayload(payload, eventV);
        if (!v.ok) return reject(t.channel, topic, v.errors);
        if (v.value.type === 'hms') {
          await docks.setAlarms(sn, v.value.alarms);
          opts.live.publish({ type: 'dock-alarms', sn, alarms: v.value.alarms, ts: v.value.ts });
        }
        return;
      }
      case 'services_reply': {
        const v = parseJsonPayload(payload, replyV);
        if (!v.ok) return reject(t.channel, topic, v.errors);
        pending.get(`${sn}/${v.value.requestId}`)?.(v.value);
        return;
      }
      case 'status': {
        if (payload.length === 0) return;
        const v = parseJsonPayload(payload, statusV);
        if (!v.ok) return reject(t.channel, topic, v.errors);
        const at = v.value.ts ? new Date(v.value.ts) : new Date();
        await devices.setOnline(sn, v.value.state === 'online', at);
        opts.live.publish({ type: 'status', sn, online: v.value.state === 'online', ts: at.toISOString() });
        return;
      }
    }
  };
  client.on('message', (topic, payload) => {
    handle(topic, payload).catch((err: Error) => log.error({ err: err.message, topic }, 'dock message handling failed'));
  });

  // MAVLink: the tunnel always, a UDP server when asked.
  const tunnel = await mqttTunnelLink(client, { onRejected: (reason) => rejected.inc({ channel: 'mavlink/up', reason }) });
  gcs.addLink(tunnel);
  let udpPort: number | undefined;
  if (opts.udpPort !== undefined) {
    const udp = await udpServerLink({ port: opts.udpPort, host: '0.0.0.0' });
    udpPort = udp.port;
    gcs.addLink(udp);
  }
  gcs.on('vehicle', (v) => {
    if (v.link === tunnel) learn(v.peer, v.sysId);
  });

  // Telemetry: throttled to the database and the live WebSocket; flights detected on every sample.
  const tracker = new FlightTracker();
  const lastStored = new Map<number, number>();
  const lastLive = new Map<number, number>();
  let buffer: VehicleTelemetryRow[] = [];
  const openFlights = new Map<number, number>();
  let chain: Promise<unknown> = Promise.resolve();
  const serial = (fn: () => Promise<unknown>) => {
    chain = chain.then(fn).catch((err: Error) => log.error({ err: err.message }, 'flight bookkeeping failed'));
  };
  gcs.on('telemetry', (t) => {
    const now = Date.now();
    const dockSn = dockBySys.get(t.sysId) ?? null;
    const flying = t.armed && t.altRelM > 0.5;
    if (now - (lastStored.get(t.sysId) ?? 0) >= (flying ? storeEveryMs : 10_000)) {
      lastStored.set(t.sysId, now);
      buffer.push({ dockSn, t });
    }
    if (now - (lastLive.get(t.sysId) ?? 0) >= liveEveryMs) {
      lastLive.set(t.sysId, now);
      opts.live.publish({ type: 'vehicle', dockSn, telemetry: t });
    }
    const ev = tracker.observe(t);
    if (ev?.type === 'takeoff') {
      buffer.push({ dockSn, t });
      serial(async () => {
        const id = await flights.open({ dockSn, sysId: t.sysId, startedAt: ev.at, lat: ev.lat, lon: ev.lon, batteryStartPct: ev.batteryPct });
        openFlights.set(t.sysId, id);
        const f = await flights.get(id);
        if (f) opts.live.publish({ type: 'flight', event: 'started', flight: f });
        log.info({ sysId: t.sysId, dockSn, flightId: id }, 'flight started');
      });
    } else if (ev?.type === 'landed') {
      buffer.push({ dockSn, t });
      serial(async () => {
        const id = openFlights.get(t.sysId);
        if (id === undefined) return;
        openFlights.delete(t.sysId);
        const f = await flights.close(id, { endedAt: ev.at, lat: ev.lat, lon: ev.lon, distanceM: ev.distanceM, maxAltRelM: ev.maxAltRelM, batteryEndPct: ev.batteryPct, track: ev.track });
        if (f) opts.live.publish({ type: 'flight', event: 'ended', flight: f });
        log.info({ sysId: t.sysId, dockSn, flightId: id, distanceM: Math.round(ev.distanceM) }, 'flight ended');
      });
    }
  });
  const flushTimer = setInterval(() => {
    for (const [sysId, id] of openFlights) {
      const p = tracker.progress(sysId);
      if (p) serial(() => flights.progress(id, p.distanceM, p.maxAltRelM, p.track));
    }
    if (!buffer.length) return;
    const rows = buffer;
    buffer = [];
    vehicles.insertBatch(rows).catch((err: Error) => log.error({ err: err.message, rows: rows.length }, 'vehicle telemetry write failed'));
  }, 500);
  gcs.on('alarm', (alarm) => opts.live.publish({ type: 'vehicle-alarm', dockSn: dockBySys.get(alarm.sysId) ?? null, alarm }));

  const port: DockOperations = {
    gcs,
    udpPort,
    action: (sysId) => new VehicleAction(gcs, sysId),
    telemetry: (sysId) => {
      const v = gcs.vehicle(sysId);
      return v?.telemetry.hasPosition ? v.telemetry.snapshot() : undefined;
    },
    linked: (sysId) => gcs.vehicle(sysId)?.linked ?? false,
    droneOf: (sn) => sysByDock.get(sn),
    uploadKeepInFence: (sysId, center, radiusM) =>
      // MAV_CMD_NAV_FENCE_CIRCLE_INCLUSION: param1 = radius, metres.
      uploadItems(gcs, sysId, 'fence', [{ command: 5003, frame: 3, param1: radiusM, param2: 0, param3: 0, param4: 0, lat: center.lat, lon: center.lon, altM: 0, autocontinue: false }]),
    uploadMission: (sysId, items) => uploadItems(gcs, sysId, 'mission', items),
    uploadFence: (sysId, items) => uploadItems(gcs, sysId, 'fence', items),
    async callDock(sn, method, timeoutMs, params) {
      const requestId = crypto.randomBytes(8).toString('hex');
      const key = `${sn}/${requestId}`;
      const reply = new Promise<DockServiceReply | 'timeout'>((resolve) => {
        const timer = setTimeout(() => {
          pending.delete(key);
          resolve('timeout');
        }, timeoutMs);
        pending.set(key, (rep) => {
          clearTimeout(timer);
          pending.delete(key);
          resolve(rep);
        });
      });
      await client.publishAsync(dockTopic(sn, 'services'), JSON.stringify({ requestId, ts: new Date().toISOString(), method, ...(params ? { params } : {}) }), { qos: 1 });
      return reply;
    },
    waitForTelemetry(sysId, pred, timeoutMs) {
      const now = port.telemetry(sysId);
      if (now && pred(now)) return Promise.resolve(true);
      return new Promise((resolve) => {
        const on = (t: VehicleTelemetry) => {
          if (t.sysId !== sysId || !pred(t)) return;
          clearTimeout(timer);
          gcs.off('telemetry', on);
          resolve(true);
        };
        const timer = setTimeout(() => {
          gcs.off('telemetry', on);
          resolve(false);
        }, timeoutMs);
        gcs.on('telemetry', on);
      });
    },
    async close() {
      clearInterval(flushTimer);
      if (buffer.length) await vehicles.insertBatch(buffer).catch(() => undefined);
      await chain;
      await gcs.close();
      await client.endAsync().catch(() => undefined);
    },
  };
  log.info({ udpPort }, 'ground station and dock channels running');
  return port;
}
