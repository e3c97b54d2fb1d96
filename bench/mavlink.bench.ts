/**
 * MAVLink benchmark, all over real loopback UDP against the simulated ArduPilot Copter:
 * - command→ACK latency p50/p99 of the ground station's event-driven command protocol, against
 *   the same commands awaited with node-mavlink's own `waitFor` helper (polling, its default
 *   100 ms interval) as the baseline;
 * - mission upload and download time for 500 items at 10 % packet loss each way (seeded lossy
 *   link), against the same transfers at 0 % loss;
 * - MAVLink messages parsed per second by the decoder (node-mavlink splitter + parser + payload
 *   classes), against JSON.parse of the same telemetry as JSON text.
 */
import { common, minimal, waitFor } from 'node-mavlink';
import type { Benchmark, BenchRow } from './types.ts';
import { silentLogger } from '../common/logger.ts';
import type { MissionItem } from '../protocol/vehicle.schema.ts';
import { GroundStation } from '../ground-station/core/ground-station.ts';
import { udpServerLink } from '../ground-station/link/udp-server.link.ts';
import { lossyLink, seededRandom } from '../ground-station/link/lossy.link.ts';
import { sendCommand } from '../ground-station/command/command.protocol.ts';
import { downloadItems, uploadItems } from '../ground-station/mission/mission.protocol.ts';
import { MavlinkDecoder, MavlinkEncoder } from '../common/mavlink/mavlink-codec.ts';
import { SimAutopilot } from '../edge/dock/sim-autopilot/sim-autopilot.ts';
import { udpEndpoint } from '../edge/dock/mavlink/byte-endpoint.ts';

const HOME = { lat: 22.945, lon: 113.365, altAmslM: 10 };
const COMMANDS = 400;
const ITEMS = 500;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** A ground station and a simulated autopilot on loopback UDP, with loss on the GCS side. */
async function rig(sysId: number, loss: number, seed: number) {
  const log = silentLogger();
  const udp = await udpServerLink({ port: 0 });
  const link = lossyLink(udp, { dropIn: loss, dropOut: loss, seed });
  const gcs = new GroundStation({ log });
  gcs.addLink(link);
  const ep = await udpEndpoint({ remote: { host: '127.0.0.1', port: udp.port } });
  const sim = new SimAutopilot({ sysId, home: HOME, endpoint: ep, log, timeScale: 1, ekfReadyAfterS: 0 }).start();
  if (!(await gcs.waitForVehicle(sysId, 5000))) throw new Error('vehicle not discovered');
  return {
    gcs,
    link,
    async close() {
      sim.stop();
      await ep.close();
      await gcs.close();
    },
  };
}

function mission(n: number): MissionItem[] {
  const rnd = seededRandom(5);
  return Array.from({ length: n }, (_, i) => ({ command: 16, frame: 3, param1: 0, param2: 2, param3: 0, param4: 0, lat: Math.round((22.9 + rnd() * 0.1) * 1e7) / 1e7, lon: Math.round((113.3 + rnd() * 0.1) * 1e7) / 1e7, altM: 30 + (i % 90), autocontinue: true }));
}

/** SET_MESSAGE_INTERVAL for VFR_HUD at 2 Hz: harmless to repeat, always ACKed. */
const SPEC = { command: 511, params: [74, 500_000] };

export const mavlinkBenchmark: Benchmark = {
  name: 'mavlink',
  description: 'ground station ⇄ simulated ArduPilot over loopback UDP: command→ACK latency, 500-item mission transfer at 0 % and 10 % loss, MAVLink messages parsed per second',
  async run({ out }) {
    const rows: BenchRow[] = [];

    // --- command → ACK latency
    {
      const r = await rig(1, 0, 1);
      try {
        for (let i = 0; i < 20; i++) await sendCommand(r.gcs, 1, SPEC);
        out(`command→ACK: ${COMMANDS} commands, event-driven…`);
        const ours: number[] = [];
        for (let i = 0; i < COMMANDS; i++) {
          const t = performance.now();
          const res = await sendCommand(r.gcs, 1, SPEC);
          if (res.outcome !== 'accepted') throw new Error(`command ${res.outcome}`);
          ours.push(performance.now() - t);
        }
        out(`command→ACK: ${COMMANDS / 4} commands awaited with node-mavlink waitFor (baseline)…`);
        const base: number[] = [];
        for (let i = 0; i < COMMANDS / 4; i++) {
          let acked = false;
          const on = (_v: unknown, m: { data: unknown }) => {
            if (m.data instanceof common.CommandAck && m.data.command === SPEC.command) acked = true;
          };
          r.gcs.on('message', on);
          const t = performance.now();
          const c = Object.assign(new common.CommandLong(), { command: SPEC.command, _param1: SPEC.params[0], _param2: SPEC.params[1] });
          r.gcs.send(1, c);
          await waitFor(() => acked, 5000);
          base.push(performance.now() - t);
          r.gcs.off('message', on);
        }
        ours.sort((a, b) => a - b);
        base.sort((a, b) => a - b);
        rows.push({ figure: 'command→ACK p50', unit: 'ms', value: percentile(ours, 50), baseline: { name: 'node-mavlink waitFor (100 ms poll)', value: percentile(base, 50) }, higherIsBetter: false });
        rows.push({ figure: 'command→ACK p99', unit: 'ms', value: percentile(ours, 99), baseline: { name: 'node-mavlink waitFor (100 ms poll)', value: percentile(base, 99) }, higherIsBetter: false });
      } finally {
        await r.close();
      }
    }

    // --- mission transfer, 500 items, 0 % and 10 % loss
    const items = mission(ITEMS);
    const transfer = async (loss: number, sysId: number) => {
      const r = await rig(sysId, loss, 20261122 + sysId);
      try {
        const up = await uploadItems(r.gcs, sysId, 'mission', items, { resendMs: 100 });
        const down = await downloadItems(r.gcs, sysId, 'mission', { resendMs: 100 });
        if (up.outcome !== 'accepted' || down.outcome !== 'accepted' || down.items.length !== ITEMS) throw new Error(`transfer failed: ${up.outcome}/${down.outcome}`);
        return { upMs: up.elapsedMs, downMs: down.elapsedMs, resends: up.resends + down.resends, dropped: r.link.stats.inDropped + r.link.stats.outDropped };
      } finally {
        await r.close();
      }
    };
    out(`mission: ${ITEMS} items at 0 % loss…`);
    const clean = await transfer(0, 2);
    out(`mission: ${ITEMS} items at 10 % loss each way…`);
    const lossy = await transfer(0.1, 3);
    out(`  10 %: ${lossy.dropped} datagrams dropped, ${lossy.resends} resends by the ground station`);
    rows.push({ figure: `upload ${ITEMS} items at 10 % loss`, unit: 'ms', value: lossy.upMs, baseline: { name: 'same at 0 % loss', value: clean.upMs }, higherIsBetter: false, notes: `${lossy.dropped} dropped, ${lossy.resends} resends` });
    rows.push({ figure: `download ${ITEMS} items at 10 % loss`, unit: 'ms', value: lossy.downMs, baseline: { name: 'same at 0 % loss', value: clean.downMs }, higherIsBetter: false });

    // --- parse rate
    {
      const enc = new MavlinkEncoder(1, 1);
      const frames = [
        enc.encode(Object.assign(new minimal.Heartbeat(), { type: 2, autopilot: 3, baseMode: 129, customMode: 4, systemStatus: 4 })),
        enc.encode(Object.assign(new common.GlobalPositionInt(), { lat: 229450000, lon: 1133650000, alt: 70000, relativeAlt: 60000, vx: 1200, vy: -300, vz: 5, hdg: 12000 })),
        enc.encode(Object.assign(new common.Attitude(), { roll: 0.01, pitch: -0.2, yaw: 1.2 })),
        enc.encode(Object.assign(new common.VfrHud(), { groundspeed: 15, airspeed: 15, heading: 120, throttle: 45, alt: 70, climb: 0.1 })),
        enc.encode(Object.assign(new common.SysStatus(), { voltageBattery: 24000, batteryRemaining: 80 })),
      ];
      const stream = Buffer.concat(Array.from({ length: 4000 }, (_, i) => frames[i % frames.length]!));
      const n = 4000 * 3;
      let got = 0;
      const dec = new MavlinkDecoder(() => void (got += 1));
      const t0 = performance.now();
      // Feed in 1 KB chunks, as a serial or TCP stream would arrive.
      for (let pass = 0; pass < 3; pass++) for (let o = 0; o < stream.length; o += 1024) dec.push(stream.subarray(o, o + 1024));
      const mavPerS = (got / (performance.now() - t0)) * 1000;
      if (got !== n) throw new Error(`decoded ${got} of ${n}`);
      const json = [
        JSON.stringify({ type: 'HEARTBEAT', baseMode: 129, customMode: 4, systemStatus: 4 }),
        JSON.stringify({ type: 'GLOBAL_POSITION_INT', lat: 229450000, lon: 1133650000, alt: 70000, relativeAlt: 60000, vx: 1200, vy: -300, vz: 5, hdg: 12000 }),
        JSON.stringify({ type: 'ATTITUDE', roll: 0.01, pitch: -0.2, yaw: 1.2 }),
        JSON.stringify({ type: 'VFR_HUD', groundspeed: 15, airspeed: 15, heading: 120, throttle: 45, alt: 70, climb: 0.1 }),
        JSON.stringify({ type: 'SYS_STATUS', voltageBattery: 24000, batteryRemaining: 80 }),
      ];
      let sink = 0;
      const t1 = performance.now();
      for (let i = 0; i < n; i++) sink += (JSON.parse(json[i % json.length]!) as { type: string }).type.length;
      const jsonPerS = (n / (performance.now() - t1)) * 1000;
      if (sink === 0) throw new Error('unreachable');
      rows.push({ figure: 'MAVLink messages parsed', unit: 'msg/s', value: mavPerS, baseline: { name: 'JSON.parse of the same telemetry', value: jsonPerS }, higherIsBetter: true, notes: 'node-mavlink splitter + parser + payload classes, CRC checked' });
    }
    return rows;
  },
};
