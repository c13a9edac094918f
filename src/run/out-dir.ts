import { closeSync, mkdirSync, openSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { ReplayguardError, reasonOf } from '../errors.js';

/**
 * Create the output folder and prove a file can be created in it, so an unwritable --out is reported
 * as such (RG_ERR_OUT_DIR) before the run starts, not later as a database or report error. A probe
 * file, not access(2): root passes access() on a read-only mount where creating a file fails.
 */
export function prepareOutDir(outDir: string): void {
  const probe = path.join(outDir, `.replayguard-probe-${process.pid}`);
  try {
    mkdirSync(outDir, { recursive: true });
    closeSync(openSync(probe, 'w'));
    unlinkSync(probe);
  } catch (e) {
    throw new ReplayguardError('RG_ERR_OUT_DIR', { dir: outDir, reason: reasonOf(e) }, { cause: e });
  }
}
