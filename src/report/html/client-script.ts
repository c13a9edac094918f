import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { reasonOf, ReplayguardError } from '../../errors.js';

/**
 * The page's whole script: the TypeScript client under ./client/, bundled by esbuild at build time
 * (scripts/bundle-client.ts) into the file read here. The CSP pins this exact text by hash, so
 * anything else that managed to get into the page would not run.
 */
const BUNDLE = new URL('./client.bundle.js', import.meta.url);

let script: string | undefined;

export function clientScript(): string {
  if (script === undefined) {
    try {
      script = readFileSync(BUNDLE, 'utf8');
    } catch (e) {
      throw new ReplayguardError('RG_ERR_REPORT_CLIENT_MISSING', { file: fileURLToPath(BUNDLE), reason: reasonOf(e) }, { cause: e });
    }
  }
  return script;
}
