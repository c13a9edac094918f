/**
 * Bundles the HTML report's browser client (src/report/html/client/main.ts) into one script with
 * esbuild, and writes it where src/report/html/client-script.ts reads it: `npm run build` writes
 * dist/src/report/html/client.bundle.js, and vitest's global setup writes the same file under src/ for
 * tests that run from source (it is git-ignored there).
 *
 * Usage: tsx scripts/bundle-client.ts <folder>
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const CLIENT_ENTRY = path.join(root, 'src/report/html/client/main.ts');
export const CLIENT_BUNDLE_NAME = 'client.bundle.js';

/** The client as one IIFE for an inline `<script>`: no imports, no source map, nothing fetched. */
export async function bundleClient(): Promise<string> {
  const result = await build({
    entryPoints: [CLIENT_ENTRY],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    charset: 'ascii',
    legalComments: 'none',
    sourcemap: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]?.text;
  if (!code) throw new Error('esbuild produced no output for the report client');
  // Inline in <script>: these sequences would end the element early or change how it is parsed.
  if (/<\/script|<!--/i.test(code)) throw new Error('the report client bundle contains </script or <!--, which cannot be inlined');
  return code;
}

/** Writes the bundle into `folder` (atomically, so a concurrent reader never sees half a file). */
export async function writeClientBundle(folder: string): Promise<string> {
  const code = await bundleClient();
  mkdirSync(folder, { recursive: true });
  const file = path.join(folder, CLIENT_BUNDLE_NAME);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, code);
  renameSync(tmp, file);
  return file;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const folder = process.argv[2];
  if (!folder) {
    console.error('usage: tsx scripts/bundle-client.ts <folder>');
    process.exit(2);
  }
  // Silent on success: `npm pack --json` runs the build through prepare, and stdout must stay JSON.
  await writeClientBundle(path.resolve(folder));
}
