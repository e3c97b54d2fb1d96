/**
 * The dock's state machine (DJI-dock-like): idle → lid opening → launching → in flight → landing →
 * charging → idle, and fault from anywhere. Pure: a transition either gives the next state with
 * its reason, or says why the event is refused in this state.
 */
import type { DockStateName } from '../../protocol/dock.schema.ts';

/** What can happen to a dock. */
export type DockStateEvent =
  | { type: 'prepare-launch' }
  | { type: 'lid-opened' }
  | { type: 'drone-airborne' }
  | { type: 'launch-timeout' }
  | { type: 'abort-launch' }
  | { type: 'drone-returning' }
  | { type: 'drone-landed'; atDock: boolean }
  | { type: 'charged' }
  | { type: 'fault'; reason: string }
  | { type: 'reset-fault' };

/** Result of offering an event to the machine. */
export type DockTransition = { ok: true; state: DockStateName; reason: string } | { ok: false; reason: string };

const deny = (reason: string): DockTransition => ({ ok: false, reason });
const go = (state: DockStateName, reason: string): DockTransition => ({ ok: true, state, reason });

/** The next state of `state` on `event`. */
export function dockTransition(state: DockStateName, event: DockStateEvent): DockTransition {
  if (event.type === 'fault') return state === 'fault' ? deny('已处于故障状态 / already in fault') : go('fault', event.reason);
  switch (event.type) {
    case 'prepare-launch':
      if (state === 'idle' || state === 'charging') return go('lid-opening', '准备起飞，开启舱盖 / opening the lid to launch');
      return deny(`机库当前状态为 ${state}，不能起飞 / cannot launch while ${state}`);
    case 'lid-opened':
      if (state === 'lid-opening') return go('launching', '舱盖已开启，等待起飞 / lid open, waiting for take-off');
      if (state === 'landing') return go('landing', '舱盖已开启，等待降落 / lid open for landing');
      return deny(`no lid opening in ${state}`);
    case 'drone-airborne':
      if (state === 'launching' || state === 'lid-opening' || state === 'charging' || state === 'idle') return go('in-flight', '无人机已起飞，关闭舱盖 / drone airborne, lid closing');
      if (state === 'landing') return go('in-flight', '无人机复飞 / drone climbed away again');
      return deny(`already ${state}`);
    case 'launch-timeout':
      if (state === 'launching' || state === 'lid-opening') return go('idle', '起飞超时，关闭舱盖 / launch timed out, lid closed');
      return deny(`no launch pending in ${state}`);
    case 'abort-launch':
      if (state === 'launching' || state === 'lid-opening') return go('idle', '起飞已取消，关闭舱盖 / launch aborted, lid closed');
      return deny(`no launch to abort in ${state}`);
    case 'drone-returning':
      if (state === 'in-flight') return go('landing', '无人机返航，开启舱盖 / drone returning, opening the lid');
      return deny(`not in flight (${state})`);
    case 'drone-landed':
      if (state === 'in-flight' || state === 'landing' || state === 'launching') {
        return event.atDock ? go('charging', '无人机已入库，开始充电 / drone landed in the dock, charging') : go('idle', '无人机降落在机库外 / drone landed away from the dock');
      }
      return deny(`drone not flying (${state})`);
    case 'charged':
      if (state === 'charging') return go('idle', '充电完成 / charged');
      return deny(`not charging (${state})`);
    case 'reset-fault':
      if (state === 'fault') return go('idle', '故障已复位 / fault reset');
      return deny(`no fault (${state})`);
  }
}
