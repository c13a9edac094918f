/**
 * CLI entry of the demo API, for docker-compose and for running a variant by hand:
 *   node dist/examples/demo-api/server.js --variant candidate --port 3000 --host 0.0.0.0
 * Flags win over the environment (DEMO_VARIANT, PORT, HOST, DEMO_SLOW_MS).
 */
import { parseArgs } from 'node:util';
import { DEFAULT_SLOW_MS, DEMO_VARIANTS, startDemoApi } from './app.js';
import type { DemoVariant } from './app.js';

const USAGE = 'usage: server.js [--variant staging|baseline|candidate] [--port 3000] [--host 127.0.0.1] [--slow-ms 150] [--log]';

function fail(message: string): never {
  console.error(`demo-api: ${message}\n${USAGE}`);
  process.exit(2);
}

function toInt(raw: string, name: string, max: number): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n > max) fail(`${name} must be an integer from 0 to ${max} (got "${raw}")`);
  return n;
}

function readFlags() {
  try {
    return parseArgs({
      options: {
        variant: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        'slow-ms': { type: 'string' },
        log: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (e) {
    return fail((e as Error).message);
  }
}

function parseOptions(): { variant: DemoVariant; port: number; host: string; slowMs: number; logger: boolean } {
  const flags = readFlags();
  if (flags.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const variant = flags.variant ?? process.env.DEMO_VARIANT ?? 'staging';
  if (!(DEMO_VARIANTS as readonly string[]).includes(variant)) fail(`unknown variant "${variant}"`);
  return {
    variant: variant as DemoVariant,
    port: toInt(flags.port ?? process.env.PORT ?? '3000', '--port', 65535),
    host: flags.host ?? process.env.HOST ?? '127.0.0.1',
    slowMs: toInt(flags['slow-ms'] ?? process.env.DEMO_SLOW_MS ?? String(DEFAULT_SLOW_MS), '--slow-ms', 60_000),
    logger: flags.log,
  };
}

const options = parseOptions();
const api = await startDemoApi(options);
console.log(`demo-api (${options.variant}) listening on ${api.url}`);

// In a container this process is PID 1, which gets no default signal handling: without these
// handlers `docker compose stop` would wait its full grace period and then SIGKILL.
let closing = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (closing) return;
    closing = true;
    api.close().then(
      () => process.exit(0),
      (e: unknown) => {
        console.error(`demo-api: error while closing: ${(e as Error).message}`);
        process.exit(1);
      },
    );
  });
}
