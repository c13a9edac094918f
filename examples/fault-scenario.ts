/**
 * The fault scenario behind `npm run demo:faults` (and its acceptance test): the demo API depends on a
 * pricing service; both are recorded into one database (two sessions), then the candidate and a
 * baseline each call their own stub of the pricing service under the same fault plan, and the replay
 * judges the candidate against the baseline (`oracle: baseline`).
 */
import type { ConfigOverrides } from '../src/config/resolve-config.js';
import { defaultConfig } from '../src/config/resolve-config.js';
import type { FaultPlan } from '../src/config/schema.js';
import { startRecorder } from '../src/record/recorder.js';
import { replay, type ReplayOutcome } from '../src/run/replay.js';
import { startStub, type RunningStub } from '../src/stub/stub-server.js';
import { startDemoApi, type Resilience, type RunningDemoApi } from './demo-api/app.js';
import { startPricingApi } from './pricing-api.js';

/** The sessions the scenario records: the app's traffic, and what the app asked its dependency. */
export const APP_SESSION = 'shop';
export const PRICING_SESSION = 'pricing';

/**
 * Slow, failing and resetting pricing calls, chosen per request from the seed: the same requests get
 * the same faults on every run and on both stubs. 2.5 s of latency is past the app's 1 s timeout, which is
 * generous so that a loaded CI machine never times a healthy call out in one target and not the other.
 */
export const FAULT_PLAN: FaultPlan = {
  seed: 7,
  faults: [
    { name: 'pricing slow', match: 'GET /price/**', probability: 0.25, latency: { ms: 2500 } },
    { name: 'pricing 503', match: 'GET /price/**', probability: 0.3, status: { code: 503, headers: { 'retry-after': '1' } } },
    { name: 'pricing reset', match: 'GET /price/**', probability: 0.3, reset: { when: 'before-headers' } },
  ],
};

/** Quotes for every product (each calls the pricing service), some asked twice, and a route that does not. */
export function faultTraffic(): string[] {
  const paths: string[] = [];
  for (let id = 1; id <= 12; id++) paths.push(`/api/quote/${id}`);
  for (let id = 1; id <= 4; id++) paths.push(`/api/quote/${id}`);
  paths.push('/health', '/api/error');
  return paths;
}

/** Record the app (session `shop`) and, through a second recorder, its pricing dependency (session `pricing`) into `db`. */
export async function recordAppAndDependency(db: string, log: (line: string) => void = () => {}): Promise<{ exchanges: number }> {
  const pricing = await startPricingApi();
  const pricingRecorder = await startRecorder({ config: defaultConfig({ db, record: { upstream: pricing.url, port: 0, session: PRICING_SESSION } }), log });
  const staging = await startDemoApi({ variant: 'staging', pricingUrl: pricingRecorder.url });
  const appRecorder = await startRecorder({ config: defaultConfig({ db, record: { upstream: staging.url, port: 0, session: APP_SESSION } }), log });
  try {
    for (const p of faultTraffic()) await (await fetch(appRecorder.url + p)).arrayBuffer();
  } finally {
    await appRecorder.close();
    await pricingRecorder.close();
    await Promise.all([staging.close(), pricing.close()]);
  }
  return { exchanges: appRecorder.stats().written };
}

export interface FaultReplayOptions {
  db: string;
  out: string;
  /** How the candidate copes with its dependency. @default 'no-fallback' (the planted regression) */
  candidate?: Resilience;
  /** @default FAULT_PLAN; null serves the recording without faults */
  plan?: FaultPlan | null;
  /** Extra configuration (reporters' output, timeouts). */
  config?: ConfigOverrides;
  stdout?: NodeJS.WritableStream;
  log?: (line: string) => void;
}

/**
 * Candidate and baseline, each calling its own stub of the pricing session (same plan, same seed), replayed
 * with the baseline as the oracle and the stubs' stats pulled into the report.
 */
export async function replayUnderFaults(options: FaultReplayOptions): Promise<ReplayOutcome & { stubs: RunningStub[] }> {
  const plan = options.plan === undefined ? FAULT_PLAN : options.plan;
  const stubConfig = defaultConfig({ db: options.db, stub: { session: PRICING_SESSION, port: 0, ...(plan ? { faults: plan } : {}) } });
  const stubs: RunningStub[] = [];
  const apis: RunningDemoApi[] = [];
  try {
    stubs.push(await startStub({ config: stubConfig, log: options.log }), await startStub({ config: stubConfig, log: options.log }));
    // Both run the same code as staging; only the candidate's resilience differs.
    apis.push(await startDemoApi({ variant: 'baseline', pricingUrl: stubs[0]!.url, resilience: options.candidate ?? 'no-fallback' }));
    apis.push(await startDemoApi({ variant: 'baseline', pricingUrl: stubs[1]!.url, resilience: 'full' }));
    const base = options.config ?? {};
    const outcome = await replay({
      config: defaultConfig({
        ...base,
        db: options.db,
        // One exchange at a time: identical dependency calls (a quote asked twice) are numbered by arrival
        // at each stub, so they must arrive in the same order at both for both to get the same faults.
        replay: { session: APP_SESSION, out: options.out, timeout: 8000, concurrency: 1, ...base.replay, target: apis[0]!.url, baseline: apis[1]!.url, oracle: 'baseline', stubs: stubs.map((s) => s.url) },
      }),
      reporters: options.stdout ? undefined : ['json', 'junit', 'markdown', 'html'],
      stdout: options.stdout,
    });
    return { ...outcome, stubs };
  } finally {
    await Promise.all(apis.map((a) => a.close()));
    await Promise.all(stubs.map((s) => s.close()));
  }
}
