/** The emergency-stop dialog: the operator must type 确认急停 and give a reason before the motors are cut. */
import { useState } from 'react';
import { EMERGENCY_STOP_CONFIRMATION } from '../../../protocol/dock.schema.ts';

/** Props of the dialog. */
export interface EmergencyStopDialogProps {
  dockName: string;
  onConfirm(confirm: string, reason: string): void;
  onCancel(): void;
}

/** The dialog. */
export function EmergencyStopDialog({ dockName, onConfirm, onCancel }: EmergencyStopDialogProps) {
  const [typed, setTyped] = useState('');
  const [reason, setReason] = useState('');
  const ok = typed === EMERGENCY_STOP_CONFIRMATION && reason.trim().length >= 2;
  return (
    <div className="ops-dialog-backdrop">
      <div className="ops-dialog" role="alertdialog" aria-modal="true" aria-labelledby="estop-title" aria-describedby="estop-desc">
        <h2 id="estop-title">
          急停 · {dockName}
          <small>Emergency stop</small>
        </h2>
        <p id="estop-desc">
          急停将在空中立即关闭电机，无人机会坠落。请输入 <b>{EMERGENCY_STOP_CONFIRMATION}</b> 并填写原因。
          <small>Motors stop in the air and the drone falls. Type the confirmation and a reason.</small>
        </p>
        <label>
          确认文字
          <input aria-label="确认文字 / confirmation" value={typed} placeholder={EMERGENCY_STOP_CONFIRMATION} onChange={(e) => setTyped(e.target.value)} autoFocus />
        </label>
        <label>
          原因
          <input aria-label="原因 / reason" value={reason} onChange={(e) => setReason(e.target.value)} />
        </label>
        <div className="ops-dialog-actions">
          <button type="button" className="ops-command danger" disabled={!ok} onClick={() => onConfirm(typed, reason.trim())}>
            执行急停<small>Stop motors</small>
          </button>
          <button type="button" className="ops-command" onClick={onCancel}>
            取消<small>Cancel</small>
          </button>
        </div>
      </div>
    </div>
  );
}
