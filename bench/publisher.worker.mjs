// Benchmark devices in their own thread (as field devices are separate from the hub): each of the
// given serial numbers is an MQTT client with its own credentials, publishing batches of readings
// at QoS 1. Reports each message's publish time (absolute, ms) to the parent. Topics come from the
// parent (built by protocol/topics.ts): this plain-JS thread loads no TypeScript.
// The big screen's live WebSocket is also opened here, not in the hub's thread (a browser is not
// in the hub's process): publish→WebSocket latency is measured in this thread and reported at the end.
import { parentPort, workerData } from 'node:worker_threads';
import mqtt from 'mqtt';
import WebSocket from 'ws';

const { url, sns, topics, secret, batch, mode, tsBaseMs, liveUrl } = workerData;
const now = () => performance.timeOrigin + performance.now();
const clients = await Promise.all(sns.map((sn) => mqtt.connectAsync(url, { username: sn, password: secret, protocolVersion: 4, reconnectPeriod: 0 })));
const seqs = sns.map(() => 0);
/** Publish time of each reading, by device index and sequence number. */
const publishedAt = sns.map(() => []);
const deviceOf = new Map(sns.map((sn, d) => [sn, d]));
const wsLatencies = [];
const ws = new WebSocket(liveUrl);
ws.on('message', (data) => {
  const m = JSON.parse(String(data));
  if (m.type !== 'readings') return;
  const at = now();
  for (const r of m.readings) {
    const t = publishedAt[deviceOf.get(r.sn)]?.[r.seq];
    if (t !== undefined) wsLatencies.push(at - t);
  }
});
await new Promise((resolve, reject) => {
  ws.once('message', resolve); // hello
  ws.once('error', reject);
});
let pending = [];
const flushReports = () => {
  if (pending.length) parentPort.postMessage({ kind: 'published', items: pending });
  pending = [];
};
const send = (d) => {
  const seq0 = seqs[d];
  const readings = [];
  for (let k = 0; k < batch; k++) {
    const seq = seqs[d]++;
    readings.push({ seq, ts: new Date(tsBaseMs + seq * 100).toISOString(), depthMm: (seq * 7) % 120, rainMmPerH: 12.5 });
  }
  const t = now();
  for (let k = 0; k < batch; k++) publishedAt[d][seq0 + k] = t;
  pending.push([sns[d], seq0, batch, t]);
  if (pending.length >= 200) flushReports();
  return clients[d].publishAsync(topics[d], JSON.stringify({ readings }), { qos: 1 });
};
parentPort.postMessage({ kind: 'ready' });
await new Promise((r) => parentPort.once('message', r)); // go
let total = 0;
if (mode.kind === 'sustained') {
  total = sns.length * mode.messagesPerDevice * batch;
  await Promise.all(
    clients.map(async (_c, d) => {
      const inflight = new Set();
      for (let i = 0; i < mode.messagesPerDevice; i++) {
        const p = send(d);
        inflight.add(p);
        p.finally(() => inflight.delete(p));
        if (inflight.size >= 10) await Promise.race(inflight);
      }
      await Promise.all(inflight);
    }),
  );
} else {
  const tickMs = 100;
  const perTick = mode.readingsPerS / batch / (1000 / tickMs);
  const ticks = (mode.seconds * 1000) / tickMs;
  const t0 = performance.now();
  let credit = 0;
  let messages = 0;
  for (let tick = 0; tick < ticks; tick++) {
    credit += perTick;
    for (; credit >= 1; credit -= 1) void send(messages++ % sns.length);
    flushReports();
    const next = t0 + (tick + 1) * tickMs;
    await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())));
  }
  total = messages * batch;
}
flushReports();
parentPort.postMessage({ kind: 'done', total });
await new Promise((r) => parentPort.once('message', r)); // close
ws.close();
await Promise.all(clients.map((c) => c.endAsync()));
parentPort.postMessage({ kind: 'closed', wsLatencies });
