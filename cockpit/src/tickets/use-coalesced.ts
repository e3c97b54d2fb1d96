/** Coalesces bursts of calls (e.g. a storm of live messages) into one call per window. */
import { useCallback, useEffect, useRef } from 'react';

/** A stable function that runs the latest `fn` once, `windowMs` after the first of a burst of calls. */
export function useCoalesced(fn: () => void, windowMs = 250): () => void {
  const latest = useRef(fn);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => {
    latest.current = fn;
  }, [fn]);
  useEffect(
    () => () => {
      if (timer.current !== null) clearTimeout(timer.current);
    },
    [],
  );
  return useCallback(() => {
    if (timer.current !== null) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      latest.current();
    }, windowMs);
  }, [windowMs]);
}
