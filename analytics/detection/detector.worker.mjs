// Entry of a detection worker thread. Workers are TypeScript: this plain-JS shim loads
// detector.worker.ts through tsx's API, so the same worker runs under `node --import tsx`
// (npm start), under vitest (which does not pass its transform to threads) and in the bench.
import { tsImport } from 'tsx/esm/api';

await tsImport('./detector.worker.ts', import.meta.url);
