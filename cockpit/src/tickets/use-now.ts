/** A clock hook for countdowns. */
import { useEffect, useState } from 'react';

/** Current time, milliseconds since the epoch, refreshed every `periodMs`. */
export function useNow(periodMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), periodMs);
    return () => clearInterval(t);
  }, [periodMs]);
  return now;
}
