/** The rain-mode banner over the map and the duty officer's per-town switch. */
import { useMemo, useState } from 'react';
import type { Role } from '../../../protocol/roles.ts';
import type { RainModeView } from '../../../protocol/sensing.schema.ts';
import { RAIN_SWITCH_ROLES, rainBannerText, SIGNAL_NAMES_ZH, worstSignal, type RainModeMap } from '../alarms/alarm-state.ts';
import { setRainMode } from '../alarms/sensing-api.ts';

/** Props of the rain-mode banner. */
export interface RainBannerProps {
  token: string;
  role: Role;
  rainModes: RainModeMap;
  /** Applies the rain mode the API returned after a switch. */
  onRainMode(mode: RainModeView): void;
}

/** Banner (when any town is in rain mode or under a signal) and the towns' switch panel. */
export function RainBanner({ token, role, rainModes, onRainMode }: RainBannerProps) {
  const [open, setOpen] = useState(false);
  const [pending, setPending] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const text = rainBannerText(rainModes);
  const signal = worstSignal(rainModes);
  const towns = useMemo(() => [...rainModes.values()].sort((a, b) => a.regionCode.localeCompare(b.regionCode)), [rainModes]);
  const canSwitch = RAIN_SWITCH_ROLES.includes(role);

  const toggle = async (town: RainModeView): Promise<void> => {
    setPending(town.regionCode);
    setError(null);
    const outcome = await setRainMode(token, town.regionCode, !town.active);
    setPending(null);
    if (outcome.kind === 'ok') onRainMode(outcome.value);
    else setError(`切换失败（${outcome.kind === 'failed' ? outcome.code : outcome.kind}）`);
  };

  return (
    <div className="rain-area">
      {text && (
        <div className={`rain-banner signal-${signal}`} role="status" data-testid="rain-banner" data-signal={signal}>
          <span className="rain-icon" aria-hidden="true">
            ☔
          </span>
          {text}
          <small>Rain mode · {[...rainModes.values()].filter((t) => t.active).length} towns</small>
        </div>
      )}
      <button type="button" className="rain-toggle" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
        雨天模式<small>Rain mode</small>
      </button>
      {open && (
        <section className="rain-panel" aria-label="各镇街雨天模式">
          {error && (
            <p className="panel-note" role="alert">
              {error}
            </p>
          )}
          <ul>
            {towns.map((t) => (
              <li key={t.regionCode} data-town={t.regionCode} data-active={t.active}>
                <span className="rain-town">
                  {t.regionName}
                  <small>
                    {t.signal !== 'none' ? (SIGNAL_NAMES_ZH[t.signal] ?? t.signal) : '无信号'} · 3h {t.rain3hMm.toFixed(1)} mm
                    {t.active && (t.source === 'manual' ? ' · 人工' : ' · 信号')}
                  </small>
                </span>
                <label className="rain-switch">
                  <input
                    type="checkbox"
                    role="switch"
                    aria-label={`${t.regionName}雨天模式`}
                    checked={t.active}
                    disabled={!canSwitch || pending === t.regionCode}
                    onChange={() => void toggle(t)}
                  />
                  <span aria-hidden="true" />
                </label>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
