/** Command buttons of the selected dock's drone, with the target picker for launch and go-to. */
import type { DockAction } from '../../../protocol/dock.schema.ts';
import type { CommandAvailability } from './ops-state.ts';

/** What a map click chooses now. */
export type PickMode = 'none' | 'launch' | 'go-to';

/** Chinese labels of the actions. */
export const ACTION_LABELS_ZH: Record<DockAction, string> = {
  launch: '一键起飞',
  'go-to': '飞往',
  hold: '悬停',
  resume: '继续',
  return: '返航',
  land: '降落',
  'emergency-stop': '急停',
};

/** Lowest and highest flight altitude above the dock, metres. */
export const ALTITUDE_RANGE_M = { min: 5, max: 120 } as const;

/** Props of the command bar. */
export interface CommandBarProps {
  available: CommandAvailability;
  /** The action waiting for its reply, if any. */
  pending: DockAction | null;
  pickMode: PickMode;
  target: { lat: number; lon: number } | null;
  altitudeM: number;
  onPick(mode: PickMode): void;
  onTarget(target: { lat: number; lon: number }): void;
  onAltitude(altitudeM: number): void;
  onConfirmTarget(): void;
  onCommand(action: 'hold' | 'resume' | 'return' | 'land'): void;
  onEmergencyStop(): void;
}

const SIMPLE: Array<{ action: 'hold' | 'resume' | 'return' | 'land'; key: keyof CommandAvailability; en: string }> = [
  { action: 'hold', key: 'hold', en: 'Hold' },
  { action: 'resume', key: 'resume', en: 'Resume' },
  { action: 'return', key: 'returnToDock', en: 'Return' },
  { action: 'land', key: 'land', en: 'Land' },
];

function CommandButton({ action, en, enabled, pending, onClick, className }: { action: DockAction; en: string; enabled: boolean; pending: DockAction | null; onClick(): void; className?: string }) {
  const busy = pending === action;
  return (
    <button type="button" className={`ops-command ${className ?? ''}`} data-action={action} disabled={!enabled || pending !== null} aria-busy={busy} onClick={onClick}>
      {busy && <span className="spinner" aria-hidden="true" />}
      {ACTION_LABELS_ZH[action]}
      <small>{en}</small>
    </button>
  );
}

/** The command bar. */
export function CommandBar(props: CommandBarProps) {
  const { available, pending, pickMode, target, altitudeM } = props;
  const picking = pickMode !== 'none';
  return (
    <section className="ops-commands" aria-label="指令 / commands" data-testid="commands" data-pending={pending ?? ''} data-pick-mode={pickMode}>
      <div className="ops-command-grid">
        <CommandButton action="launch" en="Launch" enabled={available.launch && !picking} pending={pending} onClick={() => props.onPick('launch')} className="primary" />
        <CommandButton action="go-to" en="Go to" enabled={available.goTo && !picking} pending={pending} onClick={() => props.onPick('go-to')} />
        {SIMPLE.map((c) => (
          <CommandButton key={c.action} action={c.action} en={c.en} enabled={available[c.key]} pending={pending} onClick={() => props.onCommand(c.action)} />
        ))}
        <CommandButton action="emergency-stop" en="E-stop" enabled={available.emergencyStop} pending={pending} onClick={props.onEmergencyStop} className="danger" />
      </div>
      {picking && (
        <div className="ops-target" data-testid="target-picker">
          <p>
            {target ? '目标点已选择，可修改后确认' : '请在地图上点击选择目标点'}
            <small>{target ? 'Target chosen: adjust or confirm' : 'Click the map to choose the target'}</small>
          </p>
          <div className="ops-target-fields">
            <label>
              纬度
              <input
                type="number"
                step="0.0001"
                aria-label="目标纬度 / target latitude"
                value={target ? target.lat.toFixed(6) : ''}
                onChange={(e) => props.onTarget({ lat: Number(e.target.value), lon: target?.lon ?? 0 })}
              />
            </label>
            <label>
              经度
              <input
                type="number"
                step="0.0001"
                aria-label="目标经度 / target longitude"
                value={target ? target.lon.toFixed(6) : ''}
                onChange={(e) => props.onTarget({ lat: target?.lat ?? 0, lon: Number(e.target.value) })}
              />
            </label>
            <label>
              高度 m
              <input
                type="number"
                min={ALTITUDE_RANGE_M.min}
                max={ALTITUDE_RANGE_M.max}
                aria-label="飞行高度 / altitude (m)"
                value={altitudeM}
                onChange={(e) => props.onAltitude(Number(e.target.value))}
              />
            </label>
          </div>
          <div className="ops-target-actions">
            <button type="button" className="ops-command primary" data-testid="confirm-target" disabled={!target || pending !== null} onClick={props.onConfirmTarget}>
              {pickMode === 'launch' ? '确认起飞' : '确认飞往'}
              <small>Confirm</small>
            </button>
            <button type="button" className="ops-command" onClick={() => props.onPick('none')}>
              取消<small>Cancel</small>
            </button>
          </div>
        </div>
      )}
    </section>
  );
}
