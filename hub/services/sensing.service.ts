/**
 * Sensor analytics in the hub: feeds committed readings through the sensor rules (depth bands with
 * hysteresis and rate of rise, flat line under heavy rain, offline, rainstorm signals per town),
 * keeps one open alarm per sensor and kind (raised, escalated, lowered, cleared automatically),
 * switches rain mode (a faster sampling interval through the sensors' retained config) when a town
 * reaches an orange or red signal or a duty officer says so, and streams every change live.
 */
import type { Logger } from '../../common/logger.ts';
import { CommonErrors, defineErrors } from '../../common/errors.ts';
import { DepthBandRule } from '../../analytics/sensor-rules/depth-band.rule.ts';
import { FlatlineRule } from '../../analytics/sensor-rules/flatline.rule.ts';
import { RainAccumulator, RAINSTORM_NAMES_ZH, RAINSTORM_SIGNALS, strongerSignal, type RainstormSignal } from '../../analytics/sensor-rules/rainstorm.rule.ts';
import { DEPTH_LEVEL_NAMES_ZH, type SensorRulesConfig } from '../../analytics/sensor-rules/rules.config.ts';
import type { SensorConfig } from '../../protocol/sensor.schema.ts';
import type { AlarmView, RainModeView } from '../../protocol/sensing.schema.ts';
import type { AlarmKind, AlarmRepository, AlarmRow, AlarmHistoryRow } from '../repositories/alarm.repository.ts';
import type { RainModeRepository } from '../repositories/rain-mode.repository.ts';
import type { SensorMeta, SensorMetaRepository } from '../repositories/sensor-meta.repository.ts';
import type { AuditRepository } from '../repositories/audit.repository.ts';
import type { SensorReadingRow } from '../repositories/reading.repository.ts';
import type { LiveBus } from '../live/live-bus.ts';

/** Errors of the sensing API. */
export const SensingErrors = defineErrors({
  ALARM_NOT_FOUND: { status: 404, message: '告警不存在 / no such alarm' },
  ALARM_NOT_ACTIVE: { status: 409, message: '告警已确认或已解除 / the alarm is already acknowledged or cleared' },
  TOWN_NOT_FOUND: { status: 404, message: '镇街不存在 / no such town' },
});

/** Where an alarm becomes a city-operations event (the workflow); optional. */
export interface AlarmEventSink {
  /** Opens or strengthens the event for an alarm; returns its id. */
  alarmRaised(alarm: AlarmRow): Promise<number | undefined>;
}

/** Settings of the sensing service. */
export interface SensingConfig {
  rules: SensorRulesConfig;
  /** Sampling interval outside rain mode, seconds. */
  normalIntervalS: number;
  /** Sampling interval in rain mode, seconds. */
  rainIntervalS: number;
  /** Rain mode set by a signal switches off after the signal stayed below orange this long, ms. */
  rainModeOffAfterMs: number;
}

/** Dependencies of the sensing service. */
export interface SensingDeps {
  alarms: AlarmRepository;
  rainModes: RainModeRepository;
  meta: SensorMetaRepository;
  audit: AuditRepository;
  live: LiveBus;
  log: Logger;
  /** Publishes a sensor's desired config (retained). */
  publishConfig: (sn: string, config: SensorConfig) => void;
  events?: AlarmEventSink;
  now?: () => number;
}

interface SensorState {
  meta: SensorMeta;
  depth: DepthBandRule;
  flat: FlatlineRule;
  rain: RainAccumulator;
  lastSeenMs: number;
}

interface TownState {
  code: string;
  name: string;
  signal: RainstormSignal;
  lowSinceMs: number | undefined;
  rainMode: { active: boolean; source: 'signal' | 'manual'; changedAt: string | null };
  rain3hMm: number;
}

const SIGNAL_LEVEL: Record<RainstormSignal, number> = { none: 0, yellow: 2, orange: 3, red: 4 };

/** Runs the sensor rules and rain mode. */
export class SensingService {
  private readonly sensors = new Map<string, SensorState>();
  private readonly towns = new Map<string, TownState>();
  private readonly open = new Map<string, AlarmRow>();
  private chain: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;

  constructor(
    private readonly deps: SensingDeps,
    private readonly cfg: SensingConfig,
  ) {
    this.now = deps.now ?? Date.now;
  }

  /** Loads sensors, towns, open alarms and rain modes; publishes every sensor's config; starts the clock. */
  async start(tickMs = 5000): Promise<void> {
    const startMs = this.now();
    for (const a of await this.deps.alarms.listOpen()) this.open.set(`${a.sourceSn}/${a.kind}`, a);
    for (const t of await this.deps.meta.towns()) {
      this.towns.set(t.code, { code: t.code, name: t.name, signal: 'none', lowSinceMs: undefined, rainMode: { active: false, source: 'signal', changedAt: null }, rain3hMm: 0 });
    }
    for (const rm of await this.deps.rainModes.list()) {
      const t = this.towns.get(rm.regionCode);
      if (t) t.rainMode = { active: rm.active, source: rm.source, changedAt: new Date(rm.changedAt).toISOString() };
    }
    for (const m of await this.deps.meta.list()) this.addSensor(m, startMs);
    for (const s of this.sensors.values()) this.deps.publishConfig(s.meta.sn, this.configFor(s.meta.townCode));
    if (tickMs > 0) this.timer = setInterval(() => void this.tick(), tickMs);
  }

  /** Stops the clock and waits for pending work. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.chain.catch(() => undefined);
  }

  private addSensor(meta: SensorMeta, startMs: number): SensorState {
    const depthAlarm = this.open.get(`${meta.sn}/depth`);
    const s: SensorState = {
      meta,
      depth: new DepthBandRule(this.cfg.rules, depthAlarm?.level ?? 0),
      flat: new FlatlineRule(this.cfg.rules),
      rain: new RainAccumulator(),
      lastSeenMs: Math.max(meta.lastReceivedAt?.getTime() ?? 0, startMs),
    };
    this.sensors.set(meta.sn, s);
    return s;
  }

  private configFor(townCode: string): SensorConfig {
    const rainMode = this.towns.get(townCode)?.rainMode.active ?? false;
    return { sampleIntervalS: rainMode ? this.cfg.rainIntervalS : this.cfg.normalIntervalS, rainMode };
  }

  /** Runs `fn` after everything queued before it: alarm changes are applied in order. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn, fn);
    this.chain = next.catch((err: Error) => this.deps.log.error({ err: err.message }, 'sensing step failed'));
    return next;
  }

  /** Feeds readings just committed to the database. */
  onReadings(rows: readonly SensorReadingRow[], receivedAt: Date): Promise<void> {
    return this.serial(async () => {
      // Parse each time once: a batch holds thousands of readings.
      const sorted = rows.map((r) => ({ r, t: Date.parse(r.ts) })).sort((a, b) => a.t - b.t);
      const touchedTowns = new Map<string, number>();
      const receivedMs = receivedAt.getTime();
      for (const { r, t } of sorted) {
        const s = this.sensors.get(r.sn);
        if (!s) continue;
        s.lastSeenMs = Math.max(s.lastSeenMs, receivedMs);
        if (this.open.size > 0 && this.open.has(`${r.sn}/offline`)) await this.apply(s.meta.sn, 'offline', 0, '', {}, receivedAt, s.meta);
        const change = s.depth.update(t, r.depthMm);
        if (change) {
          const title = change.level > 0 ? `${s.meta.name} ${DEPTH_LEVEL_NAMES_ZH[change.level]} ${(r.depthMm / 10).toFixed(0)} cm` : '';
          await this.apply(s.meta.sn, 'depth', change.level, title, { depthMm: r.depthMm, band: change.band, risingFast: change.risingFast }, new Date(t), s.meta);
        }
        const flat = s.flat.update(t, r.depthMm, r.rainMmPerH);
        if (flat !== undefined) {
          await this.apply(s.meta.sn, 'flatline', flat ? 2 : 0, `${s.meta.name} 暴雨中水位无变化，疑似堵塞`, { depthMm: r.depthMm, rainMmPerH: r.rainMmPerH }, new Date(t), s.meta);
        }
        if (r.rainMmPerH !== undefined) {
          s.rain.add(t, r.rainMmPerH);
          touchedTowns.set(s.meta.townCode, Math.max(touchedTowns.get(s.meta.townCode) ?? 0, t));
        }
      }
      for (const [town, t] of touchedTowns) await this.evaluateTown(town, t);
    });
  }

  private async evaluateTown(townCode: string, tMs: number): Promise<void> {
    const town = this.towns.get(townCode);
    if (!town) return;
    let signal: RainstormSignal = 'none';
    let rain3h = 0;
    for (const s of this.sensors.values()) {
      if (s.meta.townCode !== townCode) continue;
      signal = strongerSignal(signal, s.rain.signal(tMs));
      rain3h = Math.max(rain3h, s.rain.totalMm(tMs, 3));
    }
    town.rain3hMm = Math.round(rain3h * 10) / 10;
    if (signal !== town.signal) {
      town.signal = signal;
      const first = [...this.sensors.values()].find((s) => s.meta.townCode === townCode)?.meta;
      await this.apply(townCode, 'rainstorm', SIGNAL_LEVEL[signal], `${town.name} ${RAINSTORM_NAMES_ZH[signal]}（3小时雨量 ${town.rain3hMm} mm）`, { signal, rain3hMm: town.rain3hMm }, new Date(tMs), first ? { ...first, regionCode: townCode } : undefined);
    }
    const strong = RAINSTORM_SIGNALS.indexOf(signal) >= RAINSTORM_SIGNALS.indexOf('orange');
    if (strong) {
      town.lowSinceMs = undefined;
      if (!town.rainMode.active && town.rainMode.source === 'signal') await this.switchRainMode(town, true, 'signal', 'system');
    } else if (town.rainMode.active && town.rainMode.source === 'signal') {
      town.lowSinceMs ??= tMs;
      if (tMs - town.lowSinceMs >= this.cfg.rainModeOffAfterMs) await this.switchRainMode(town, false, 'signal', 'system');
    }
  }

  /** Brings the open alarm of (source, kind) to `level`; 0 clears it. */
  private async apply(source: string, kind: AlarmKind, level: number, title: string, details: Record<string, unknown>, at: Date, meta: Pick<SensorMeta, 'regionCode' | 'lat' | 'lon'> | undefined): Promise<void> {
    const key = `${source}/${kind}`;
    const current = this.open.get(key);
    let row: AlarmRow | undefined;
    if (level === 0) {
      if (!current) return;
      row = await this.deps.alarms.clear(current.id, at, '条件已解除 / condition ended');
      this.open.delete(key);
    } else if (!current) {
      if (!meta) return;
      row = await this.deps.alarms.raise({ sourceSn: source, kind, level, title, regionCode: meta.regionCode, lat: meta.lat, lon: meta.lon, at, details });
      this.open.set(key, row);
      if (this.deps.events) {
        try {
          const eventId = await this.deps.events.alarmRaised(row);
          if (eventId !== undefined) {
            await this.deps.alarms.setEvent(row.id, eventId);
            row = { ...row, eventId };
            this.open.set(key, row);
          }
        } catch (err) {
          this.deps.log.error({ err: (err as Error).message, alarmId: row.id }, 'could not open an event for the alarm');
        }
      }
    } else if (current.level !== level) {
      row = await this.deps.alarms.changeLevel(current.id, level, at, title, details);
      this.open.set(key, row);
      if (level > current.level && this.deps.events) await this.deps.events.alarmRaised(row).catch(() => undefined);
    } else return;
    this.deps.log.info({ alarmId: row.id, source, kind, level, state: row.state }, 'alarm changed');
    this.deps.live.publish({ type: 'alarm', alarm: toView(row) });
  }

  /** Periodic checks: sensors gone silent, and rain mode that should end. */
  tick(): Promise<void> {
    return this.serial(async () => {
      const now = this.now();
      for (const s of this.sensors.values()) {
        const intervalMs = this.configFor(s.meta.townCode).sampleIntervalS * 1000;
        const silentMs = now - s.lastSeenMs;
        if (silentMs > this.cfg.rules.offlineIntervals * intervalMs + 2000 && !this.open.has(`${s.meta.sn}/offline`)) {
          await this.apply(s.meta.sn, 'offline', 2, `${s.meta.name} 传感器离线`, { silentS: Math.round(silentMs / 1000) }, new Date(now), s.meta);
        }
      }
    });
  }

  private async switchRainMode(town: TownState, active: boolean, source: 'signal' | 'manual', actor: string): Promise<void> {
    const at = new Date(this.now());
    town.rainMode = { active, source, changedAt: at.toISOString() };
    await this.deps.rainModes.set({ regionCode: town.code, active, source, signal: town.signal, actor, changedAt: at });
    await this.deps.audit.append({ actorKind: actor === 'system' ? 'system' : 'user', actor, action: active ? 'rain-mode.on' : 'rain-mode.off', target: town.code, details: { source, signal: town.signal } });
    const config = this.configFor(town.code);
    for (const s of this.sensors.values()) if (s.meta.townCode === town.code) this.deps.publishConfig(s.meta.sn, config);
    this.deps.log.info({ town: town.code, active, source }, 'rain mode switched');
    this.deps.live.publish({ type: 'rain-mode', rainMode: this.townView(town) });
  }

  /** A duty officer's rain-mode switch for a town. */
  setRainMode(townCode: string, active: boolean, actor: string): Promise<RainModeView> {
    return this.serial(async () => {
      const town = this.towns.get(townCode);
      if (!town) throw SensingErrors.TOWN_NOT_FOUND(undefined, { regionCode: townCode });
      // Switching off hands the town back to the signals; switching on holds it until switched off.
      await this.switchRainMode(town, active, active ? 'manual' : 'signal', actor);
      return this.townView(town);
    });
  }

  private townView(t: TownState): RainModeView {
    return { regionCode: t.code, regionName: t.name, active: t.rainMode.active, source: t.rainMode.source, signal: t.signal, changedAt: t.rainMode.changedAt, rain3hMm: t.rain3hMm };
  }

  /** Rain mode and signal of every town. */
  rainModes(): RainModeView[] {
    return [...this.towns.values()].map((t) => this.townView(t));
  }

  /** Alarms within a region subtree. */
  async listAlarms(regionPrefix: string, state: 'open' | 'all', limit: number): Promise<AlarmView[]> {
    const states = state === 'open' ? (['active', 'acknowledged'] as const) : (['active', 'acknowledged', 'cleared'] as const);
    return (await this.deps.alarms.list({ regionPrefix, states: [...states], limit })).map(toView);
  }

  private async visibleAlarm(id: number, regionPrefix: string): Promise<AlarmRow> {
    const a = await this.deps.alarms.find(id);
    if (!a || !a.regionCode.startsWith(regionPrefix)) throw SensingErrors.ALARM_NOT_FOUND(undefined, { id });
    return a;
  }

  /** History of an alarm the user may see. */
  async alarmHistory(id: number, regionPrefix: string): Promise<AlarmHistoryRow[]> {
    await this.visibleAlarm(id, regionPrefix);
    return (await this.deps.alarms.history(id)).map((h) => ({ ...h, at: new Date(h.at).toISOString() }));
  }

  /** Acknowledges an active alarm. */
  acknowledgeAlarm(id: number, actor: { username: string; regionCode: string; ip?: string }, note?: string): Promise<AlarmView> {
    return this.serial(async () => {
      await this.visibleAlarm(id, actor.regionCode);
      const row = await this.deps.alarms.acknowledge(id, actor.username, new Date(this.now()), note);
      if (!row) throw SensingErrors.ALARM_NOT_ACTIVE(undefined, { id });
      const key = `${row.sourceSn}/${row.kind}`;
      if (this.open.has(key)) this.open.set(key, row);
      await this.deps.audit.append({ actorKind: 'user', actor: actor.username, action: 'alarm.acknowledge', target: String(id), details: { note }, ip: actor.ip });
      this.deps.live.publish({ type: 'alarm', alarm: toView(row) });
      return toView(row);
    });
  }

  /** Assigns an open alarm to someone. */
  assignAlarm(id: number, assignee: string, actor: { username: string; regionCode: string; ip?: string }): Promise<AlarmView> {
    return this.serial(async () => {
      await this.visibleAlarm(id, actor.regionCode);
      const row = await this.deps.alarms.assign(id, assignee, actor.username, new Date(this.now()));
      if (!row) throw CommonErrors.CONFLICT('告警已解除 / the alarm is cleared');
      const key = `${row.sourceSn}/${row.kind}`;
      if (this.open.has(key)) this.open.set(key, row);
      await this.deps.audit.append({ actorKind: 'user', actor: actor.username, action: 'alarm.assign', target: String(id), details: { assignee }, ip: actor.ip });
      this.deps.live.publish({ type: 'alarm', alarm: toView(row) });
      return toView(row);
    });
  }
}

function iso(v: string | Date | null): string | null {
  return v === null ? null : new Date(v).toISOString();
}

/** The API view of an alarm row. */
export function toView(a: AlarmRow): AlarmView {
  return {
    ...a,
    raisedAt: iso(a.raisedAt)!,
    updatedAt: iso(a.updatedAt)!,
    ackedAt: iso(a.ackedAt),
    clearedAt: iso(a.clearedAt),
  };
}
