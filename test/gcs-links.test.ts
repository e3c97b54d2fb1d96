/**
 * The ground station's other links, over real loopback sockets: a TCP client to an autopilot
 * served on TCP (as ArduPilot SITL's `tcp:5760`), and forwarding of the raw stream to an external
 * ground station (QGroundControl) whose commands reach the vehicle and whose answers come back.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { common } from 'node-mavlink';
import { silentLogger } from '../common/logger.ts';
import { GroundStation } from '../ground-station/core/ground-station.ts';
import { tcpClientLink } from '../ground-station/link/tcp-client.link.ts';
import { udpServerLink } from '../ground-station/link/udp-server.link.ts';
import { VehicleAction } from '../ground-station/action/vehicle-action.ts';
import { startRawForwarder } from '../ground-station/forward/raw-forwarder.ts';
import { MavlinkDecoder, MavlinkEncoder, type MavMessage } from '../common/mavlink/mavlink-codec.ts';
import { SimAutopilot } from '../edge/dock/sim-autopilot/sim-autopilot.ts';
import { udpEndpoint, type ByteEndpoint } from '../edge/dock/mavlink/byte-endpoint.ts';

const log = silentLogger();
const HOME = { lat: 22.945, lon: 113.365, altAmslM: 10 };
const cleanups: Array<() => unknown> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function until<T>(what: string, fn: () => T | undefined | false, timeoutMs = 5000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('ground-station links', () => {
  it('flies an autopilot served on TCP (SITL style) through the TCP client link', async () => {
    // The autopilot side: a TCP server whose one connection is the simulator's endpoint.
    let sim: SimAutopilot | undefined;
    const server = net.createServer((sock) => {
      let receiver: (b: Buffer) => void = () => undefined;
      const ep: ByteEndpoint = { send: (b) => void sock.write(b), onData: (fn) => void (receiver = fn), close: async () => void sock.destroy() };
      sock.on('data', (b) => receiver(b));
      sock.on('error', () => undefined);
      sim = new SimAutopilot({ sysId: 11, home: HOME, endpoint: ep, log, timeScale: 25, ekfReadyAfterS: 1 }).start();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise((r) => server.close(r)));
    cleanups.push(() => sim?.stop());
    const gcs = new GroundStation({ log });
    gcs.addLink(tcpClientLink({ host: '127.0.0.1', port: (server.address() as net.AddressInfo).port }));
    cleanups.push(() => gcs.close());
    expect(await gcs.waitForVehicle(11, 5000)).toBeTruthy();
    await new Promise((r) => setTimeout(r, 100));
    const act = new VehicleAction(gcs, 11);
    expect((await act.setMode('GUIDED')).outcome).toBe('accepted');
    expect((await act.arm()).outcome).toBe('accepted');
    expect((await act.takeoff(20)).outcome).toBe('accepted');
    await until('airborne', () => sim!.snapshot().altRelM > 5);
  });

  it('forwards the raw stream to an external GCS and routes its commands to the vehicle', async () => {
    const udp = await udpServerLink({ port: 0 });
    const gcs = new GroundStation({ log, sysId: 254 });
    gcs.addLink(udp);
    cleanups.push(() => gcs.close());
    const ep = await udpEndpoint({ remote: { host: '127.0.0.1', port: udp.port } });
    const sim = new SimAutopilot({ sysId: 12, home: HOME, endpoint: ep, log, timeScale: 25 }).start();
    cleanups.push(() => ep.close());
    cleanups.push(() => sim.stop());
    await gcs.waitForVehicle(12, 5000);

    // "QGroundControl": a UDP socket with its own system id.
    const qgc = dgram.createSocket('udp4');
    await new Promise<void>((r) => qgc.bind(0, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => qgc.close(() => r())));
    const heard: MavMessage[] = [];
    const dec = new MavlinkDecoder((m) => heard.push(m));
    qgc.on('message', (b) => dec.push(b));
    const fwd = await startRawForwarder(gcs, { host: '127.0.0.1', port: qgc.address().port });
    cleanups.push(() => fwd.close());
    await until('vehicle heartbeat at QGC', () => heard.some((m) => m.sysId === 12 && m.msgId === 0));

    const enc = new MavlinkEncoder(255, 190);
    const cmd = Object.assign(new common.CommandLong(), { targetSystem: 12, targetComponent: 1, command: 176, _param1: 1, _param2: 5 }); // LOITER
    qgc.send(enc.encode(cmd), fwd.localPort, '127.0.0.1');
    const ack = await until('ACK at QGC', () => heard.find((m) => m.data instanceof common.CommandAck && m.data.command === 176));
    expect((ack.data as common.CommandAck).result).toBe(0);
    expect(sim.snapshot().mode).toBe('LOITER');
    expect(fwd.stats.fromExternal).toBe(1);
  });
});
