/** The cockpit's picture of open alarms and rain mode, kept current by live messages. Pure. */
import type { Role } from '../../../protocol/roles.ts';
import type { AlarmView, RainModeView } from '../../../protocol/sensing.schema.ts';

/** Alarms by id. */
export type AlarmMap = ReadonlyMap<number, AlarmView>;

/** Roles that may acknowledge an alarm (as the hub enforces). */
export const ACK_ROLES: readonly Role[] = ['admin', 'duty_officer', 'department', 'town_staff', 'village_staff'];
/** Roles that may switch a town's rain mode (as the hub enforces). */
export const RAIN_SWITCH_ROLES: readonly Role[] = ['admin', 'duty_officer'];

/** Colour of each alarm level 1 (notice) … 4 (severe), CSS hex. */
export const LEVEL_COLORS: Record<number, string> = { 1: '#1e88e5', 2: '#fbc02d', 3: '#f57c00', 4: '#d32f2f' };
/** Chinese name of each alarm level. */
export const LEVEL_NAMES_ZH: Record<number, string> = { 1: '蓝色', 2: '黄色', 3: '橙色', 4: '红色' };
/** Chinese name of each alarm state. */
export const STATE_NAMES_ZH: Record<AlarmView['state'], string> = { active: '未确认', acknowledged: '已确认', cleared: '已解除' };

/** Applies a full listing of open alarms; alarms seen live after the request started are kept if newer. */
export function applyAlarmSnapshot(state: AlarmMap, alarms: readonly AlarmView[]): AlarmMap {
  const next = new Map<number, AlarmView>();
  for (const a of alarms) {
    const known = state.get(a.id);
    next.set(a.id, known && Date.parse(known.updatedAt) > Date.parse(a.updatedAt) ? known : a);
  }
  return next;
}

/** Applies one live or reply update of an alarm; cleared alarms leave the open list. */
export function applyAlarm(state: AlarmMap, alarm: AlarmView): AlarmMap {
  const known = state.get(alarm.id);
  if (known && Date.parse(known.updatedAt) > Date.parse(alarm.updatedAt)) return state;
  const next = new Map(state);
  if (alarm.state === 'cleared') next.delete(alarm.id);
  else next.set(alarm.id, alarm);
  return next;
}

/** Open alarms for the list: unacknowledged first, then highest level, then newest. */
export function sortAlarms(state: AlarmMap): AlarmView[] {
  return [...state.values()].sort(
    (a, b) =>
      Number(a.state !== 'active') - Number(b.state !== 'active') ||
      b.level - a.level ||
      Date.parse(b.raisedAt) - Date.parse(a.raisedAt) ||
      b.id - a.id,
  );
}

/** Rain mode by town code. */
export type RainModeMap = ReadonlyMap<string, RainModeView>;

/** Chinese names of the rainstorm signals. */
export const SIGNAL_NAMES_ZH: Record<string, string> = { yellow: '暴雨黄色预警', orange: '暴雨橙色预警', red: '暴雨红色预警' };
const SIGNAL_RANK: Record<string, number> = { none: 0, yellow: 1, orange: 2, red: 3 };

/** The banner's text, or null when no town is in rain mode and no signal is in force. */
export function rainBannerText(modes: RainModeMap): string | null {
  const towns = [...modes.values()];
  const active = towns.filter((t) => t.active);
  const worst = worstSignal(modes);
  if (active.length === 0 && worst === 'none') return null;
  const parts: string[] = [];
  if (active.length > 0) {
    const first = active[0]?.regionName ?? '';
    parts.push(active.length === 1 ? `雨天模式 · ${first}` : `雨天模式 · ${first} 等 ${active.length} 个镇街`);
  }
  if (worst !== 'none') parts.push(SIGNAL_NAMES_ZH[worst] ?? worst);
  return parts.join(' · ');
}

/** The worst rainstorm signal in force anywhere (`none` when there is none). */
export function worstSignal(modes: RainModeMap): string {
  let worst = 'none';
  for (const t of modes.values()) if ((SIGNAL_RANK[t.signal] ?? 0) > (SIGNAL_RANK[worst] ?? 0)) worst = t.signal;
  return worst;
}
