/**
 * The command protocol against a hand-made autopilot on a real UDP socket whose answers come late:
 * COMMAND_ACK names only the command, so a late ACK of an unanswered command must not be taken for
 * the answer to the next command with the same number.
 */
import dgram from 'node:dgram';
import { afterAll, describe, expect, it } from 'vitest';
import { common, minimal } from 'node-mavlink';
import { silentLogger } from '../common/logger.ts';
import { MavlinkDecoder, MavlinkEncoder } from '../common/mavlink/mavlink-codec.ts';
import { GroundStation } from '../ground-station/core/ground-station.ts';
import { udpServerLink } from '../ground-station/link/udp-server.link.ts';
import { sendCommand } from '../ground-station/command/command.protocol.ts';

const SYS_ID = 21;
const ARM_DISARM = 400;
/** The ground station's wait per attempt, ms. */
const TIMEOUT_MS = 400;
/** The autopilot answers an arm this late: after the ground station gave up on it (2 attempts), within as long again. */
const ARM_ANSWER_MS = 1000;
/** It answers a disarm (refused) after this, later than the arm's late ACKs start arriving. */
const DISARM_ANSWER_MS = 300;

const cleanups: Array<() => unknown> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

describe('command protocol', () => {
  it('does not take a late ACK of an unanswered command for the answer to the next one of the same number', async () => {
    const link = await udpServerLink({ port: 0, host: '127.0.0.1' });
    const gcs = new GroundStation({ log: silentLogger() });
    gcs.addLink(link);
    cleanups.push(() => gcs.close());

    // The autopilot: heartbeats, and an ACK for every COMMAND_LONG after a delay that depends on it.
    const sock = dgram.createSocket('udp4');
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => sock.close(() => r())));
    const enc = new MavlinkEncoder(SYS_ID, 1);
    const out = (m: Parameters<MavlinkEncoder['encode']>[0]) => sock.send(enc.encode(m), link.port, '127.0.0.1');
    const received: Array<{ param1: number; atMs: number }> = [];
    const t0 = Date.now();
    const dec = new MavlinkDecoder((m) => {
      // Only arm/disarm is answered (the ground station's own stream requests are not).
      if (!(m.data instanceof common.CommandLong) || m.data.command !== ARM_DISARM) return;
      const arm = m.data._param1 === 1;
      received.push({ param1: m.data._param1, atMs: Date.now() - t0 });
      const timer = setTimeout(
        () => out(Object.assign(new common.CommandAck(), { command: ARM_DISARM, result: arm ? 0 : 2, targetSystem: 255, targetComponent: 190 })),
        arm ? ARM_ANSWER_MS : DISARM_ANSWER_MS,
      );
      cleanups.push(() => clearTimeout(timer));
    });
    sock.on('message', (b) => dec.push(b));
    const heartbeat = () => out(Object.assign(new minimal.Heartbeat(), { type: 2, autopilot: 3, baseMode: 1, customMode: 0, systemStatus: 3, mavlinkVersion: 3 }));
    heartbeat();
    const beat = setInterval(heartbeat, 300);
    cleanups.push(() => clearInterval(beat));
    expect(await gcs.waitForVehicle(SYS_ID, 5000)).toBeTruthy();

    const opts = { timeoutMs: TIMEOUT_MS, retries: 1 };
    const arm = await sendCommand(gcs, SYS_ID, { command: ARM_DISARM, params: [1] }, opts);
    expect(arm).toMatchObject({ outcome: 'timeout', attempts: 2 });
    // The arm's two late ACCEPTED answers arrive while the disarm is out; the disarm's own answer is DENIED.
    const disarm = await sendCommand(gcs, SYS_ID, { command: ARM_DISARM, params: [0] }, opts);
    expect(disarm).toMatchObject({ outcome: 'denied', result: 'DENIED' });
    // The disarm went out as soon as the arm gave up, not after a pause.
    const firstDisarm = received.find((r) => r.param1 === 0)!;
    const lastArm = received.filter((r) => r.param1 === 1).at(-1)!;
    expect(firstDisarm.atMs - lastArm.atMs).toBeLessThan(TIMEOUT_MS + 300);
  });
});
