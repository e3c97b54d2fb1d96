/** The built cockpit for browser tests: the one build helper of the CLI (locked, swapped in by rename). */
import path from 'node:path';
import { REPO_ROOT, ensureCockpitBuilt as ensure } from '../../cli/build-cockpit.ts';

/** The built cockpit's entry page. */
export const COCKPIT_INDEX = path.join(REPO_ROOT, 'cockpit/dist/index.html');

/** Builds the cockpit when it is missing or older than its sources (normally already done by the global setup). */
export async function ensureCockpitBuilt(): Promise<void> {
  await ensure();
}
