/**
 * The aedes broker: TCP and WebSocket listeners, authentication of every client (devices against
 * the device registry, centre services with their own credentials) and the per-device topic ACL.
 * Denials are logged and counted, never thrown inside the broker loop.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { Aedes, type AedesOptions, type Client } from 'aedes';
import { WebSocketServer, createWebSocketStream } from 'ws';
import type { Logger } from '../common/logger.ts';
import { Counter, Gauge, metricOnce, type Registry } from '../common/metrics.ts';
import type { DeviceKind } from '../protocol/topics.ts';
import { checkPublish, checkSubscribe, type ClientIdentity } from './acl.ts';

/** Looks a device up by serial number and secret; null when unknown, disabled or wrong secret. */
export type DeviceAuthenticator = (sn: string, secret: string) => Promise<{ kind: DeviceKind; sn: string } | null>;

/** Options of the broker. Every extension point has the documented default. */
export interface BrokerOptions {
  /** Checks device credentials (the hub's device registry). */
  authenticateDevice: DeviceAuthenticator;
  /** Centre service accounts: MQTT username (`svc-…`) → password. */
  services: Record<string, string>;
  log: Logger;
  registry: Registry;
  /** Broker id (clustering); default a random id. */
  id?: string;
  /** Extra aedes options, e.g. `persistence` and `mq` for a Redis-backed cluster. */
  aedes?: Partial<AedesOptions>;
}

/** A running broker. */
export interface Broker {
  aedes: Aedes;
  /** Starts the listeners; port 0 picks free ports. Returns the bound ports. */
  listen(opts: { host: string; port: number; wsPort?: number }): Promise<{ port: number; wsPort?: number }>;
  close(): Promise<void>;
}

/** MQTT CONNACK return codes (MQTT 3.1.1, 3.2.2.3). */
const BAD_USERNAME_OR_PASSWORD = 4;
const NOT_AUTHORIZED = 5;

function authError(message: string, returnCode: number): Error & { returnCode: number } {
  return Object.assign(new Error(message), { returnCode });
}

function safeEqual(a: string, b: string): boolean {
  const ha = crypto.createHash('sha256').update(a).digest();
  const hb = crypto.createHash('sha256').update(b).digest();
  return crypto.timingSafeEqual(ha, hb);
}

/** Creates the broker (not yet listening). */
export async function createBroker(opts: BrokerOptions): Promise<Broker> {
  const log = opts.log.child({ module: 'broker' });
  const identities = new WeakMap<Client, ClientIdentity>();
  const m = {
    auth: metricOnce(opts.registry, 'yzg_broker_auth_total', () => new Counter({ name: 'yzg_broker_auth_total', help: 'MQTT connection attempts by outcome', labelNames: ['outcome'], registers: [opts.registry] })),
    denied: metricOnce(opts.registry, 'yzg_broker_denied_total', () => new Counter({ name: 'yzg_broker_denied_total', help: 'Publishes and subscriptions refused by the ACL', labelNames: ['action', 'reason'], registers: [opts.registry] })),
    clientErrors: metricOnce(opts.registry, 'yzg_broker_client_errors_total', () => new Counter({ name: 'yzg_broker_client_errors_total', help: 'Client connections closed on a protocol or socket error', registers: [opts.registry] })),
    clients: metricOnce(opts.registry, 'yzg_broker_clients', () => new Gauge({ name: 'yzg_broker_clients', help: 'Connected MQTT clients', registers: [opts.registry] })),
  };

  const authenticate: AedesOptions['authenticate'] = (client, username, password, done) => {
    const fail = (outcome: string, message: string, code: number) => {
      m.auth.inc({ outcome });
      log.warn({ clientId: client.id, username, outcome }, 'mqtt connection refused');
      done(authError(message, code) as never, null);
    };
    if (!username || !password) return fail('no-credentials', 'username and password required', BAD_USERNAME_OR_PASSWORD);
    const secret = password.toString('utf8');
    if (username.startsWith('svc-')) {
      const expected = opts.services[username];
      if (expected === undefined || !safeEqual(secret, expected)) return fail('bad-credentials', 'bad service credentials', BAD_USERNAME_OR_PASSWORD);
      identities.set(client, { type: 'service', name: username });
      m.auth.inc({ outcome: 'service' });
      return done(null, true);
    }
    opts
      .authenticateDevice(username, secret)
      .then((device) => {
        if (!device) return fail('bad-credentials', 'bad device credentials', BAD_USERNAME_OR_PASSWORD);
        const who: ClientIdentity = { type: 'device', kind: device.kind, sn: device.sn };
        // A last will is published on the device's behalf later: check it now, at CONNECT.
        const will = (client as unknown as { _will?: { topic: string; retain?: boolean } })._will;
        if (will && checkPublish(who, will.topic, Boolean(will.retain)) !== null) {
          return fail('bad-will', `last will topic not allowed: ${will.topic}`, NOT_AUTHORIZED);
        }
        identities.set(client, who);
        m.auth.inc({ outcome: 'device' });
        done(null, true);
      })
      .catch((err: Error) => {
        log.error({ err: err.message, username }, 'device authentication failed');
        m.auth.inc({ outcome: 'error' });
        done(authError('authentication unavailable', 3) as never, null);
      });
  };

  const authorizePublish: AedesOptions['authorizePublish'] = (client, packet, callback) => {
    if (!client) return callback(null); // broker-internal publish
    const who = identities.get(client);
    const reason = who ? checkPublish(who, packet.topic, packet.retain) : 'other-device';
    if (reason === null) return callback(null);
    m.denied.inc({ action: 'publish', reason });
    log.warn({ clientId: client.id, who, topic: packet.topic, reason }, 'publish refused; closing client');
    // [MQTT-3.3.5-2] the server closes the connection of a client that publishes where it may not.
    callback(new Error(`publish to ${packet.topic} refused: ${reason}`));
  };

  const authorizeSubscribe: AedesOptions['authorizeSubscribe'] = (client, sub, callback) => {
    const who = identities.get(client);
    const reason = who ? checkSubscribe(who, sub.topic) : 'other-device';
    if (reason === null) return callback(null, sub);
    m.denied.inc({ action: 'subscribe', reason });
    log.warn({ clientId: client.id, who, filter: sub.topic, reason }, 'subscription refused');
    // A null subscription is answered with return code 0x80 (failure) in SUBACK [MQTT-3.9.3].
    callback(null, null);
  };

  const aedes = await Aedes.createBroker({
    id: opts.id ?? `yzg-${crypto.randomUUID().slice(0, 8)}`,
    ...opts.aedes,
    authenticate,
    authorizePublish,
    authorizeSubscribe,
  });
  aedes.on('client', () => m.clients.inc());
  aedes.on('clientDisconnect', () => m.clients.dec());
  aedes.on('clientError', (client, err) => {
    m.clientErrors.inc();
    log.debug({ clientId: client.id, err: err.message }, 'client error');
  });
  aedes.on('connectionError', (client, err) => {
    m.clientErrors.inc();
    log.debug({ clientId: client?.id, err: err.message }, 'connection error');
  });

  const servers: Array<net.Server | http.Server> = [];
  let wss: WebSocketServer | undefined;
  const sockets = new Set<net.Socket>();

  return {
    aedes,
    async listen({ host, port, wsPort }) {
      const tcp = net.createServer((socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        aedes.handle(socket);
      });
      servers.push(tcp);
      await new Promise<void>((resolve, reject) => tcp.once('error', reject).listen(port, host, () => resolve()));
      const bound: { port: number; wsPort?: number } = { port: (tcp.address() as AddressInfo).port };
      if (wsPort !== undefined) {
        const httpServer = http.createServer((_req, res) => res.writeHead(426).end('MQTT over WebSocket only'));
        wss = new WebSocketServer({ server: httpServer });
        wss.on('connection', (ws, req) => {
          const stream = createWebSocketStream(ws);
          stream.on('error', () => undefined);
          aedes.handle(stream, req);
        });
        servers.push(httpServer);
        await new Promise<void>((resolve, reject) => httpServer.once('error', reject).listen(wsPort, host, () => resolve()));
        bound.wsPort = (httpServer.address() as AddressInfo).port;
      }
      log.info({ host, ...bound }, 'broker listening');
      return bound;
    },
    async close() {
      wss?.clients.forEach((c) => c.terminate());
      wss?.close();
      for (const s of sockets) s.destroy();
      await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
    },
  };
}
