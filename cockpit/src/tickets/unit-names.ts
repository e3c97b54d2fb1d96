/** Names of organisation units by code, fetched once per code and shared by every view. */
import { useEffect, useState } from 'react';
import { getUnit } from './ticket-api.ts';

const cache = new Map<string, Promise<string | null>>();

/** The names of `codes` known so far (a code maps to itself until its name arrives or when it is unknown). */
export function useUnitNames(token: string, codes: readonly string[]): Record<string, string> {
  const [names, setNames] = useState<Record<string, string>>({});
  const key = [...new Set(codes)].sort().join(',');
  useEffect(() => {
    let live = true;
    for (const code of key ? key.split(',') : []) {
      let p = cache.get(code);
      if (!p) {
        p = getUnit(token, code).then((o) => (o.kind === 'ok' ? o.value.unit.name : null));
        cache.set(code, p);
      }
      void p.then((name) => {
        if (live && name) setNames((n) => (n[code] === name ? n : { ...n, [code]: name }));
      });
    }
    return () => {
      live = false;
    };
  }, [token, key]);
  return names;
}
