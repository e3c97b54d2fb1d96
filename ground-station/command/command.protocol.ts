/**
 * The MAVLink command protocol (COMMAND_LONG / COMMAND_INT → COMMAND_ACK): one command at a time
 * per vehicle, resent on timeout (COMMAND_LONG's `confirmation` counts the resends), IN_PROGRESS
 * answers extend the wait, and the result is a value of the outcome union — never an exception.
 *
 * COMMAND_ACK names only the command, not which sending it answers. So after a command goes
 * unanswered, a late ACK of it could be taken for the answer to the next command with the same
 * number. For as long again as the unanswered command waited, ACKs of that number are taken as its
 * late answers and not heeded: the next command still goes out at once, its first wait is that
 * much longer, and a resend after it gets the answer that counts.
 */
import { common } from 'node-mavlink';
import type { CommandResult } from '../../protocol/vehicle.schema.ts';
import type { GroundStation } from '../core/ground-station.ts';

/** Timing of a command. */
export interface CommandOptions {
  /** Wait for an answer per attempt, ms. */
  timeoutMs?: number;
  /** Resends after the first attempt. */
  retries?: number;
  /** Longest wait for the final answer after an IN_PROGRESS, ms. */
  inProgressTimeoutMs?: number;
}

/** A command: its MAV_CMD number and up to seven parameters; `int` sends COMMAND_INT (x/y as degE7). */
export interface CommandSpec {
  command: number;
  params?: Array<number | undefined>;
  /** Send as COMMAND_INT with this MAV_FRAME; params[4]/[5] are latitude/longitude in degrees. */
  intFrame?: number;
}

const RESULT_NAMES = ['ACCEPTED', 'TEMPORARILY_REJECTED', 'DENIED', 'UNSUPPORTED', 'FAILED', 'IN_PROGRESS', 'CANCELLED'];
/** Defaults: 1 s per attempt and three resends (MAVSDK uses 0.5–1.5 s and 3). */
export const DEFAULT_COMMAND_OPTIONS: Required<CommandOptions> = { timeoutMs: 1000, retries: 3, inProgressTimeoutMs: 30_000 };

const queues = new WeakMap<GroundStation, Map<number, Promise<unknown>>>();
/** Per ground station, `sysId/command` → the time (ms) until which late ACKs of an unanswered command are expected. */
const lateAnswers = new WeakMap<GroundStation, Map<string, number>>();

/** Sends a command and waits for its outcome. */
export function sendCommand(gcs: GroundStation, sysId: number, spec: CommandSpec, options: CommandOptions = {}): Promise<CommandResult> {
  let perGcs = queues.get(gcs);
  if (!perGcs) queues.set(gcs, (perGcs = new Map()));
  const prev = perGcs.get(sysId) ?? Promise.resolve();
  const run = prev.then(() => attempt(gcs, sysId, spec, { ...DEFAULT_COMMAND_OPTIONS, ...options }));
  perGcs.set(sysId, run.catch(() => undefined));
  return run;
}

async function attempt(gcs: GroundStation, sysId: number, spec: CommandSpec, o: Required<CommandOptions>): Promise<CommandResult> {
  const t0 = Date.now();
  const v = gcs.vehicle(sysId);
  if (!v || !v.linked) return { outcome: 'no-vehicle', attempts: 0, elapsedMs: 0 };
  let late = lateAnswers.get(gcs);
  if (!late) lateAnswers.set(gcs, (late = new Map()));
  const key = `${sysId}/${spec.command}`;
  // The command goes out at once; only its confirmation waits out the earlier command's late ACKs.
  const staleUntil = late.get(key) ?? 0;
  late.delete(key);
  const tSent = Date.now();
  const unanswered = (): void => void late.set(key, Date.now() + (Date.now() - tSent));
  const p = Array.from({ length: 7 }, (_, i) => spec.params?.[i] ?? 0);
  const isAck = (m: { data: unknown }) => m.data instanceof common.CommandAck && m.data.command === spec.command && Date.now() >= staleUntil;
  let attempts = 0;
  let sawInProgress = false;
  while (attempts <= o.retries) {
    const answer = gcs.waitFor(sysId, isAck, o.timeoutMs + (attempts === 0 ? Math.max(0, staleUntil - Date.now()) : 0));
    send(gcs, sysId, spec, p, attempts);
    attempts += 1;
    let m = await answer;
    while (m && (m.data as common.CommandAck).result === 5) {
      // IN_PROGRESS: the vehicle is working on it; wait for the final answer, no resend.
      sawInProgress = true;
      m = await gcs.waitFor(sysId, isAck, o.inProgressTimeoutMs);
    }
    if (m) {
      const result = (m.data as common.CommandAck).result;
      const out: CommandResult = { outcome: result === 0 ? 'accepted' : 'denied', result: RESULT_NAMES[result] ?? `RESULT_${result}`, attempts, elapsedMs: Date.now() - t0 };
      const st = gcs.vehicle(sysId)?.lastStatusText;
      if (result !== 0 && st && st.atMs >= t0 - 50) out.reason = st.text;
      return out;
    }
    if (sawInProgress) {
      unanswered();
      return { outcome: 'in-progress', attempts, elapsedMs: Date.now() - t0 };
    }
  }
  unanswered();
  return { outcome: 'timeout', attempts, elapsedMs: Date.now() - t0 };
}

function send(gcs: GroundStation, sysId: number, spec: CommandSpec, p: number[], resend: number): void {
  if (spec.intFrame !== undefined) {
    const c = new common.CommandInt();
    c.command = spec.command;
    c.frame = spec.intFrame;
    c._param1 = p[0]!;
    c._param2 = p[1]!;
    c._param3 = p[2]!;
    c._param4 = p[3]!;
    c._param5 = Math.round(p[4]! * 1e7);
    c._param6 = Math.round(p[5]! * 1e7);
    c._param7 = p[6]!;
    gcs.send(sysId, c);
    return;
  }
  const c = new common.CommandLong();
  c.command = spec.command;
  c.confirmation = Math.min(resend, 255);
  [c._param1, c._param2, c._param3, c._param4, c._param5, c._param6, c._param7] = p as [number, number, number, number, number, number, number];
  gcs.send(sysId, c);
}
