/** Routing and time-limit policy matching: event type + severity + place → owner units. Pure. */

/** A routing rule as the matcher needs it. */
export interface RoutingRule {
  id: number;
  eventType: string;
  minSeverity: number;
  maxSeverity: number;
  regionPrefix: string | null;
  owners: string[];
  priority: number;
  active: boolean;
}

/** A time-limit policy as the matcher needs it. */
export interface TimeLimitPolicy {
  id: number;
  eventType: string | null;
  minSeverity: number;
  limitValue: number;
  limitUnit: 'working_days' | 'hours';
  maxExtensionWorkingDays: number;
}

/** The event's place: its region code and the codes of its town, village and grid (when known). */
export interface EventPlace {
  regionCode: string;
  town: string | null;
  village: string | null;
  grid: string | null;
}

/**
 * The rule that applies: active, same type, severity in range, region prefix matching; the
 * highest priority wins, then the longest prefix, then the narrowest severity range.
 */
export function matchRoutingRule(rules: RoutingRule[], eventType: string, severity: number, regionCode: string): RoutingRule | null {
  const candidates = rules.filter(
    (r) => r.active && r.eventType === eventType && severity >= r.minSeverity && severity <= r.maxSeverity && (r.regionPrefix === null || regionCode.startsWith(r.regionPrefix)),
  );
  candidates.sort(
    (a, b) =>
      b.priority - a.priority ||
      (b.regionPrefix?.length ?? 0) - (a.regionPrefix?.length ?? 0) ||
      a.maxSeverity - a.minSeverity - (b.maxSeverity - b.minSeverity) ||
      a.id - b.id,
  );
  return candidates[0] ?? null;
}

/** Resolves @town / @village / @grid to unit codes of the place; drops what the place lacks; dedupes. */
export function resolveOwners(owners: string[], place: EventPlace): string[] {
  const out: string[] = [];
  for (const o of owners) {
    let code: string | null = o;
    if (o === '@town') code = place.town ? `town:${place.town}` : null;
    else if (o === '@village') code = place.village ? `village:${place.village}` : null;
    else if (o === '@grid') code = place.grid ? `grid:${place.grid}` : null;
    if (code && !out.includes(code)) out.push(code);
  }
  return out;
}

/** Town, village and grid codes of a region code (Panyu's codes are prefixes: 6 + 3 + 3 + 2 digits). */
export function placeOf(regionCode: string): EventPlace {
  return {
    regionCode,
    town: regionCode.length >= 9 ? regionCode.slice(0, 9) : null,
    village: regionCode.length >= 12 ? regionCode.slice(0, 12) : null,
    grid: regionCode.length >= 14 ? regionCode.slice(0, 14) : null,
  };
}

/** The time-limit policy: same type before any type, then the highest `minSeverity` ≤ severity. */
export function matchTimeLimit(policies: TimeLimitPolicy[], eventType: string, severity: number): TimeLimitPolicy | null {
  const candidates = policies.filter((p) => (p.eventType === null || p.eventType === eventType) && p.minSeverity <= severity);
  candidates.sort((a, b) => Number(b.eventType !== null) - Number(a.eventType !== null) || b.minSeverity - a.minSeverity);
  return candidates[0] ?? null;
}
