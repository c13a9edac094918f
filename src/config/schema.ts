import { z } from 'zod';
import { ReplayguardError } from '../errors.js';
import { SHADOW_OUT_DEFAULT } from '../shadow/shadow-out.js';

/**
 * The configuration schema: one source of truth for validation, defaults, the JSON Schema editors
 * use (`schema/replayguard.config.schema.json`) and the README's reference table.
 */

const DURATION_RE = /^(\d+(?:\.\d+)?)\s*(ms|s|m)?$/;

/** A duration as milliseconds, or a string such as `500ms`, `10s`, `2m`. */
export const duration = z
  .union([z.number().nonnegative(), z.string().regex(DURATION_RE, 'expected a duration such as 500ms, 10s or 2m')])
  .transform((v) => parseDuration(v));

export function parseDuration(v: number | string): number {
  if (typeof v === 'number') return v;
  const m = DURATION_RE.exec(v.trim());
  if (!m) throw new ReplayguardError('RG_ERR_CONFIG_INVALID', { details: `"${v}" is not a duration such as 500ms, 10s or 2m`, source: 'the value given' });
  const n = Number(m[1]);
  const unit = m[2] ?? 'ms';
  return unit === 'm' ? n * 60_000 : unit === 's' ? n * 1000 : n;
}

const pointerPattern = z
  .string()
  .refine((p) => p === '' || p.startsWith('/') || p.startsWith('**'), 'a path must be a JSON pointer starting with "/" (or "**/")');

const formatMatchers = ['uuid', 'timestamp', 'jwt', 'hex', 'number-like'] as const;

export const noiseRule = z
  .object({
    path: pointerPattern.describe('JSON pointer pattern: `*` matches one segment, `**` any depth (including none)'),
    match: z.enum(['type', 'regex', 'domain', ...formatMatchers]).optional().describe('accept a changed value when both sides have the same JSON type (`type`), both match `pattern` (`regex`), both are among `values` (`domain`), or both have the named format'),
    pattern: z.string().optional().describe('regular expression both values must match (with match: regex)'),
    values: z.array(z.union([z.string(), z.number(), z.boolean(), z.null()])).min(1).optional().describe('the values the field may take (with match: domain); a value outside them is still a change'),
    tolerance: z.number().nonnegative().optional().describe('numbers may differ by at most this much'),
    relative: z.number().nonnegative().optional().describe('numbers may differ by at most this fraction of the recorded value'),
    unordered: z.literal(true).optional().describe('compare the array as an unordered multiset'),
    unorderedBy: z.string().min(1).optional().describe('compare the array as a set of objects keyed by this field'),
    keys: z.literal('vary').optional().describe('the object\'s keys are data (ids, names, dates): keys added or removed under it are noise, and signatures fold them to `*`'),
  })
  .strict()
  .superRefine((r, ctx) => {
    const kinds = (['match', 'tolerance', 'relative', 'unordered', 'unorderedBy', 'keys'] as const).filter((k) => r[k] !== undefined);
    if (kinds.length !== 1) {
      ctx.addIssue({ code: 'custom', message: `a rule needs exactly one of match, tolerance, relative, unordered, unorderedBy, keys (got ${kinds.length ? kinds.join(', ') : 'none'})` });
    }
    if (r.match === 'domain' && r.values === undefined) ctx.addIssue({ code: 'custom', path: ['values'], message: 'match "domain" needs "values"' });
    if (r.match !== 'domain' && r.values !== undefined) ctx.addIssue({ code: 'custom', path: ['values'], message: '"values" is only used with match "domain"' });
    if (r.match === 'regex') {
      if (r.pattern === undefined) ctx.addIssue({ code: 'custom', path: ['pattern'], message: 'match "regex" needs a "pattern"' });
      else {
        try {
          new RegExp(r.pattern);
        } catch (e) {
          ctx.addIssue({ code: 'custom', path: ['pattern'], message: `invalid regular expression: ${(e as Error).message}` });
        }
      }
    } else if (r.pattern !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['pattern'], message: '"pattern" is only used with match "regex"' });
    }
  });

export type NoiseRule = z.output<typeof noiseRule>;

const routeCompare = z
  .object({
    ignore: z.array(pointerPattern).default([]).describe('JSON pointer patterns whose differences are ignored on this route'),
    rules: z.array(noiseRule).default([]).describe('noise rules for this route'),
    headers: z.array(z.string()).optional().describe('compared headers for this route (replaces the global list)'),
    ignoreHeaders: z.array(z.string()).default([]).describe('headers never compared on this route'),
  })
  .strict();

export type RouteCompareConfig = z.output<typeof routeCompare>;

const routeKey = z.string().regex(/^([A-Z]+|\*) \/.*$/, 'route keys look like "GET /users/:id" (or "* /users/:id" for any method)');

export const compareSchema = z
  .object({
    headers: z.array(z.string()).default(['content-type', 'location']).describe('response headers compared (case-insensitive); "*" compares every header except hop-by-hop ones, content-length and content-encoding'),
    ignoreHeaders: z.array(z.string()).default([]).describe('headers never compared, even when listed in headers'),
    ignore: z.array(pointerPattern).default([]).describe('JSON pointer patterns whose differences are ignored on every route'),
    rules: z.array(noiseRule).default([]).describe('noise rules applied on every route'),
    routes: z.record(routeKey, routeCompare).default({}).describe('per-route additions, keyed "METHOD /route/:template"'),
    maxDecodedBytes: z.number().int().positive().default(32 * 1024 * 1024).describe('cap on a decompressed body; larger bodies are compared by their first bytes and noted'),
    mapOrigins: z.boolean().default(true).describe('in string values and text bodies, read the target\'s own origin and authority (an echoed URL or Host) as the recorded upstream\'s; differences that then vanish are filtered as "origin mapping"'),
  })
  .strict();

export type CompareConfig = z.output<typeof compareSchema>;

/** An include/exclude pattern: an empty one would match nothing (and the glob compiler refuses it). */
const trafficPattern = z.string().regex(/\S/, 'expected a pattern such as "GET /api/**" or "/health", not an empty string');

/** What a client trusts and presents when it calls an https upstream or target. */
const clientTlsSchema = z
  .object({
    ca: z.array(z.string().min(1)).default([]).describe('PEM files of CAs trusted besides the system ones (a private CA that signed the server\'s certificate)'),
    cert: z.string().min(1).optional().describe('client certificate (PEM) presented for mutual TLS'),
    key: z.string().min(1).optional().describe('private key (PEM) of the client certificate'),
    insecure: z.boolean().default(false).describe('accept any server certificate (throwaway test setups only)'),
  })
  .strict()
  .refine((t) => (t.cert === undefined) === (t.key === undefined), 'mutual TLS needs both cert and key (--client-cert and --client-key)');

/** The certificate a listener (the recorder, the stub) serves. */
const serverTlsSchema = z
  .object({
    cert: z.string().min(1).describe('certificate (PEM, with its chain) served; reloaded on SIGHUP'),
    key: z.string().min(1).describe('private key (PEM) of that certificate'),
  })
  .strict();

const recordSchema = z
  .object({
    upstream: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL such as http://staging:8080' }).optional().describe('where the proxy forwards every request'),
    host: z.string().default('127.0.0.1').describe('address the proxy listens on (0.0.0.0 to accept remote clients)'),
    port: z.number().int().min(0).max(65535).default(8080).describe('port the proxy listens on (0 picks a free one)'),
    session: z.string().min(1).max(200).optional().describe('session name (default: rec-<date>-<time>)'),
    sample: z.number().min(0).max(1).default(1).describe('fraction of traffic recorded (all of it is forwarded)'),
    include: z.array(trafficPattern).default([]).describe('record only requests matching one of these patterns: "GET /api/**" or "/api/**"'),
    exclude: z.array(trafficPattern).default([]).describe('never record requests matching these patterns'),
    maxBodyBytes: z.number().int().nonnegative().default(1024 * 1024).describe('bodies beyond this many bytes are stored truncated and flagged (clients still get everything)'),
    upstreamTimeout: duration.default(30_000).describe('upstream response-head timeout, e.g. "30s" (default 30 s); clients then get 504'),
    shutdownGrace: duration.default(10_000).describe('on SIGINT/SIGTERM, how long in-flight requests (and endless streams such as SSE) may take before their connections are closed, e.g. "10s" (default 10 s)'),
    preserveHost: z.boolean().default(false).describe('forward the client\'s Host header instead of the upstream\'s (X-Forwarded-Host carries it either way)'),
    tls: serverTlsSchema.optional().describe('listen with TLS (https) instead of plain http'),
    upstreamTls: clientTlsSchema.prefault({}).describe('TLS towards an https upstream: extra CAs, a client certificate, or no verification'),
    shadow: z
      .object({
        target: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL such as http://candidate:3000' }).optional().describe('mirror a sample of live requests to this candidate, after each client has its answer, and compare its responses with the live ones'),
        baseline: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).optional().describe('a second instance of the code the upstream runs: differences it shows too are learned as noise'),
        sample: z.number().min(0).max(1).default(0.05).describe('fraction of the recorded requests mirrored'),
        methods: z.array(z.string().regex(/^[A-Za-z]+$/, 'expected a method such as GET')).min(1).default(['GET', 'HEAD']).describe('methods mirrored; mutating ones (POST, PUT, PATCH, DELETE) only when listed, with a warning'),
        concurrency: z.number().int().min(1).max(256).default(4).describe('shadow requests in flight at most'),
        maxQueue: z.number().int().min(1).default(1000).describe('sampled requests waiting at most; beyond it they are dropped and counted, clients never wait'),
        timeout: duration.default(10_000).describe('per-request timeout towards the candidate and baseline'),
        out: z.string().default(SHADOW_OUT_DEFAULT).describe('folder of the rolling shadow run (results.db, reports from `replayguard report --shadow`)'),
        summaryEvery: duration.default(10_000).describe('how often learned noise is applied and the run summary and /metrics gauges are refreshed'),
        nice: z.number().int().min(0).max(19).default(19).describe('CPU priority (nice value) of the process that sends and compares, all its threads included: at 19 it uses only CPU the proxy leaves idle, falling behind (and dropping, counted) on a busy machine rather than slowing clients; 0 (or the recorder\'s own, if higher) competes equally'),
      })
      .strict()
      .refine((s) => s.baseline === undefined || s.target !== undefined, 'a shadow baseline needs a shadow target (--shadow URL)')
      .prefault({})
      .describe('live shadow comparison of a candidate'),
    adminPrefix: z.string().regex(/^\/__[\w-]+$/, 'expected a path such as /__replayguard').default('/__replayguard').describe('reserved path prefix for the health and stats endpoints'),
    queue: z
      .object({
        maxBytes: z.number().int().positive().default(16 * 1024 * 1024).describe('captures waiting to be written; beyond it they are dropped and counted'),
        flushMs: z.number().int().positive().default(20).describe('how often queued captures are sent to the writer'),
        batchSize: z.number().int().positive().default(256).describe('captures per write transaction at most'),
      })
      .strict()
      .default({ maxBytes: 16 * 1024 * 1024, flushMs: 20, batchSize: 256 }),
  })
  .strict();

const redactSchema = z
  .object({
    headers: z.array(z.string()).default([]).describe('extra header names whose values are redacted (added to the defaults)'),
    keys: z.array(z.string()).default([]).describe('extra JSON keys, form fields and query parameters whose values are redacted at any depth (case-insensitive; `_` and `-` ignored), added to the defaults'),
    query: z.array(z.string()).default([]).describe('extra query parameter names whose values are redacted (the `keys` apply to queries too)'),
    json: z.array(pointerPattern).default([]).describe('JSON pointer patterns redacted in request and response bodies, e.g. /user/ssn, /items/*/card'),
    defaults: z.boolean().default(true).describe('redact the default headers (authorization, proxy-authorization, cookie, set-cookie, x-api-key) and keys (password, passwd, secret, token, access_token, refresh_token, id_token, client_secret, api_key, apikey, private_key, session)'),
  })
  .strict();

const routesSchema = z
  .object({
    templates: z.array(z.string().startsWith('/')).default([]).describe('route templates that win over the automatic ones, e.g. /users/:name'),
  })
  .strict();

const failOnToken = z.string().regex(/^(regression|unreproduced|error|noise|skipped)(>\d+(\.\d+)?%?)?$/, 'expected tokens such as regression, error, regression>1%, error>5, unreproduced>5%');

const replaySchema = z
  .object({
    target: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL such as http://candidate:3000' }).optional().describe('the candidate build'),
    baseline: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).optional().describe('a second instance of the recorded code, used to learn noise'),
    session: z.string().default('latest').describe('recorded session to replay (name, id, or latest)'),
    concurrency: z.number().int().min(1).max(1024).default(8).describe('requests in flight at most'),
    rate: z.number().positive().optional().describe('requests per second at most'),
    timeout: duration.default(10_000).describe('per-request timeout, e.g. "10s" (default 10 s)'),
    headers: z.record(z.string(), z.string()).default({}).describe('request headers set on every replayed request; ${ENV_VAR} is expanded'),
    secrets: z.record(z.string(), z.string()).default({}).describe('values for secrets redacted at record time, by key name (password, or a header or cookie name), put back where the recording has their placeholder; ${ENV_VAR} is expanded'),
    out: z.string().default('replay-out').describe('folder for results.db, junit.xml, summary.json, summary.md, report.html'),
    failOn: z.array(failOnToken).default(['regression', 'error', 'unreproduced>5%']).describe('what makes the exit code 1; a token may carry a threshold, e.g. regression>1%; `unreproduced` counts exchanges the replay did not reproduce (the target and the baseline agree, the recording does not)'),
    repeat: z.number().int().min(1).max(5).default(1).describe('send each exchange this many times to the target; values that differ between the repeats are noise'),
    maxBodyBytes: z.number().int().nonnegative().default(256 * 1024).describe('bodies kept per result for the report'),
    identities: z.array(pointerPattern).default([]).describe('JSON pointer patterns of ids a target creates, mapped in stateful replay besides the top-level id, _id, uuid and guid (e.g. /data/id)'),
    stateful: z.boolean().default(true).describe('carry ids the target creates (in responses to POST/PUT/PATCH/DELETE) into later requests, and read them back as the recorded ids when comparing'),
    metricsFile: z.string().min(1).optional().describe('also write the run as Prometheus text (exchanges by verdict, duration, exit code) to this file, for node_exporter\'s textfile collector or a Pushgateway'),
    metrics: z
      .object({
        target: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL such as http://candidate:9090/metrics' }).optional().describe("the candidate's Prometheus endpoint, scraped during the replay"),
        baseline: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).optional().describe("the baseline's Prometheus endpoint"),
        names: z.array(z.string().regex(/^[a-zA-Z_:][\w:]*$/, 'expected a metric name such as process_resident_memory_bytes')).min(1).default(['process_resident_memory_bytes', 'process_cpu_seconds_total']).describe('metrics judged: counters as growth per replayed request, gauges as values'),
        interval: duration.default(1000).describe('scrape interval during the replay'),
        minRequests: z.number().int().min(1).default(10).describe('a counter\'s growth per request is measured over at least this many replayed requests (scrapes joined until then), so where a request falls against a scrape moves a sample little'),
        significance: z.number().gt(0).max(1).default(0.05).describe('one-sided Mann–Whitney U test level'),
        minEffect: z.number().min(0).default(0.1).describe('and the candidate median must be worse by more than this fraction'),
        minSamples: z.number().int().min(2).default(5).describe('samples a side needed before a metric can be flagged'),
        perMetric: z.record(z.string(), z.object({ worse: z.enum(['increase', 'decrease']).optional(), minEffect: z.number().min(0).optional(), perRequest: z.boolean().optional() }).strict()).default({}).describe('per metric: which direction is worse (default increase), its own minimum effect, and perRequest: true to judge a gauge by its growth per replayed request between scrapes (memory allocated per request) instead of its values'),
      })
      .strict()
      .refine((m) => (m.target === undefined) === (m.baseline === undefined), 'metric verdicts need both --target-metrics and --baseline-metrics')
      .prefault({})
      .describe('judge the candidate\'s own Prometheus metrics against the baseline\'s'),
    tls: clientTlsSchema.prefault({}).describe('TLS towards https targets and baselines: extra CAs, a client certificate, or no verification'),
    unreachableAfter: z.number().int().min(1).default(5).describe('stop with exit 2 when this many first requests all fail to connect'),
    oracle: z.enum(['recording', 'baseline']).default('recording').describe('what the candidate is judged against: the recording, or the baseline\'s answers to the same requests (resilience under a fault plan, where both call stubs of their dependencies); baseline needs replay.baseline'),
    stubs: z.array(z.url({ protocol: /^https?$/, error: 'expected the URL of a replayguard stub such as http://127.0.0.1:9101' })).default([]).describe('replayguard stubs serving the targets\' dependencies: their hits, misses (with near-miss detail) and injected faults go into the summary and the report, and a miss fails the run'),
    shard: z.string().regex(/^[1-9]\d*\/[1-9]\d*$/, 'expected i/n such as 1/4').optional().describe('replay only part i of n of the session (CI shards, combined by `replayguard merge`), e.g. "2/4"'),
    shardKey: z.string().regex(/^(header|query):[^\s]+$/, 'expected header:NAME or query:NAME').optional().describe('keep exchanges with the same value of this request header or query parameter in one shard, e.g. "header:X-User-Id" or "query:tenant"'),
  })
  .strict();

const noiseSchema = z
  .object({
    learn: z.boolean().default(true).describe('learn noise from --baseline or --repeat'),
    relativeThreshold: z.number().min(0).max(1).default(0.2).describe('(raw−noise)/(raw+noise) above this is a regression'),
    absoluteThreshold: z.number().min(0).max(1).default(0.0003).describe('(raw−noise)/total above this is a regression'),
    significance: z.number().gt(0).max(1).default(0.05).describe('and the excess must be unlikely by chance: one-sided Fisher exact test per key, Benjamini–Hochberg over all keys tested in the run at this false discovery rate (1 turns the test off)'),
    headers: z.boolean().default(true).describe('while learning from a baseline, compare every response header (not only compare.headers) and learn which ones vary (date, etag, x-request-id …)'),
  })
  .strict();

const latencyCriteria = {
  ratio: z.number().min(1).describe('candidate median (or p95) / the baseline\'s above this flags a route, when the candidate is significantly slower'),
  floorMs: z.number().min(0).describe('and that median (or p95) must grow by at least this many ms'),
  minSamples: z.number().int().min(1).describe('fewer samples a side than this never flag a route'),
  significance: z.number().gt(0).max(1).describe('one-sided Mann–Whitney U test level: the candidate\'s timings must be significantly slower than the baseline\'s'),
};

const latencySchema = z
  .object({
    ratio: latencyCriteria.ratio.default(1.5),
    floorMs: latencyCriteria.floorMs.default(50),
    minSamples: latencyCriteria.minSamples.default(5),
    significance: latencyCriteria.significance.default(0.05),
    routes: z.record(routeKey, z.object(latencyCriteria).partial().strict()).default({}).describe('per-route settings, keyed "METHOD /route/:template" (or "* /route" for any method): ratio, floorMs, minSamples, significance'),
  })
  .strict();

/** A fault plan's rule selects requests with the same patterns as `record.include`. */
const faultMatch = z.union([trafficPattern, z.array(trafficPattern).min(1)]);
const CALLS_RE = /^(?:\d+|\d+-\d*|every \d+)$/;
const httpCode = z.number().int().min(100).max(599);

/** Parameters of each fault kind (one module each in src/faults/kinds/, same names). */
export const faultKindParams = {
  latency: z
    .object({
      ms: z.number().nonnegative().optional().describe('fixed delay before the answer, in ms'),
      jitter: z.number().nonnegative().optional().describe('plus a uniform delay in [0, jitter) ms'),
      median: z.number().positive().optional().describe('lognormal delay: its median in ms (with sigma)'),
      sigma: z.number().nonnegative().optional().describe('lognormal delay: the sigma of its logarithm (default 0.5)'),
    })
    .strict()
    .refine((l) => l.ms !== undefined || l.median !== undefined, 'latency needs "ms" or a lognormal "median"')
    .describe('delay the answer (Toxiproxy latency)'),
  status: z
    .object({
      code: httpCode.describe('status sent instead of the recorded answer, e.g. 429, 500, 503'),
      body: z.string().optional().describe('response body (default: a small JSON naming the fault)'),
      headers: z.record(z.string(), z.string()).default({}).describe('response headers, e.g. {"retry-after": "1"}'),
    })
    .strict()
    .describe('answer with another status (WireMock/Toxiproxy style error)'),
  reset: z
    .object({ when: z.enum(['before-headers', 'after-headers']).default('before-headers').describe('reset the connection before anything is sent, or after the response head') })
    .strict()
    .describe('TCP reset (RST) of the connection'),
  timeout: z.object({}).strict().describe('never answer: hold the connection until the client gives up'),
  bandwidth: z
    .object({ bytesPerSecond: z.number().int().positive().describe('body delivered at this rate') })
    .strict()
    .describe('trickle the body (Toxiproxy bandwidth)'),
  truncate: z
    .object({ bytes: z.number().int().nonnegative().describe('body bytes delivered before the connection closes') })
    .strict()
    .describe('close after N body bytes, the declared length unchanged (Toxiproxy limit_data)'),
  malformed: z.object({}).strict().describe('send bytes that are not HTTP, then close (WireMock RANDOM_DATA_THEN_CLOSE)'),
  empty: z.object({}).strict().describe('close the connection without a response (WireMock EMPTY_RESPONSE)'),
} as const;

export type FaultKindName = keyof typeof faultKindParams;
export const FAULT_KIND_NAMES = Object.keys(faultKindParams) as FaultKindName[];

export const faultRule = z
  .object({
    name: z.string().min(1).optional().describe('shown in stats, reports and the x-replayguard-fault header (default: "#<index> <kind>")'),
    match: faultMatch.optional().describe('requests the rule applies to, as record.include: "GET /price/**", "POST /charge" (default: every request)'),
    probability: z.number().min(0).max(1).optional().describe('fraction of the selected requests that get the fault, decided from the plan seed and the request itself'),
    calls: z.string().regex(CALLS_RE, 'expected calls such as "2", "1-3", "4-" or "every 5"').optional().describe('which repeats of an identical request get the fault: "1-3", "4-", "every 5" (counted per distinct request, from 1)'),
    after: duration.optional().describe('only once the stub has run this long, e.g. "30s"'),
    for: duration.optional().describe('and only for this long after that'),
    ...Object.fromEntries(Object.entries(faultKindParams).map(([k, v]) => [k, v.optional()])),
  })
  .strict()
  .superRefine((r, ctx) => {
    const kinds = FAULT_KIND_NAMES.filter((k) => (r as Record<string, unknown>)[k] !== undefined);
    if (kinds.length !== 1) ctx.addIssue({ code: 'custom', message: `a fault rule needs exactly one of ${FAULT_KIND_NAMES.join(', ')} (got ${kinds.length ? kinds.join(', ') : 'none'})` });
  });

export const faultPlanSchema = z
  .object({
    $schema: z.string().optional(),
    seed: z.number().int().default(0).describe('seed of every probabilistic decision: the same plan, seed and requests give the same faults'),
    faults: z.array(faultRule).default([]).describe('rules, tried in order; the first that selects a request applies its fault'),
  })
  .strict();

export type FaultRuleConfig = z.output<typeof faultRule> & { [K in FaultKindName]?: z.output<(typeof faultKindParams)[K]> };
export type FaultPlan = Omit<z.output<typeof faultPlanSchema>, 'faults'> & { faults: FaultRuleConfig[] };

const onMiss = z
  .string()
  .regex(/^(fail|passthrough=https?:\/\/.+|record=https?:\/\/.+)$/, 'expected fail, passthrough=http://dependency:9000 or record=http://dependency:9000');

const stubSchema = z
  .object({
    session: z.string().optional().describe('recorded session served (name, id, or latest)'),
    host: z.string().default('127.0.0.1').describe('address the stub listens on'),
    port: z.number().int().min(0).max(65535).default(9100).describe('port the stub listens on (0 picks a free one)'),
    onMiss: onMiss.default('fail').describe('a request nothing recorded matches: fail (502 naming the closest recorded requests), passthrough=URL (forward), record=URL (forward and append to the session)'),
    latency: z.union([z.enum(['none', 'recorded']), z.number().nonnegative()]).default('none').describe('answer at once (none), after the recorded time (recorded), or after the recorded time times this factor'),
    ignore: z.array(z.string().min(1)).default([]).describe('request parts never matched: JSON pointer patterns into the body (/nonce, **/timestamp) and query parameter names (_, ts)'),
    matchHeaders: z.array(z.string().min(1)).default([]).describe('request headers that must match too (none by default)'),
    seed: z.number().int().optional().describe('overrides the fault plan\'s seed'),
    faults: faultPlanSchema.optional().describe('fault plan: { "seed": 7, "faults": [ { "match": "GET /price/**", "probability": 0.5, "latency": { "ms": 1000 } } ] }'),
    tls: serverTlsSchema.optional().describe('listen with TLS (https) instead of plain http'),
  })
  .strict();

export type StubConfig = z.output<typeof stubSchema>;

export const configSchema = z
  .object({
    $schema: z.string().optional(),
    db: z.string().default('recordings/replayguard.db').describe('recordings database'),
    record: recordSchema.prefault({}),
    redact: redactSchema.prefault({}),
    routes: routesSchema.prefault({}),
    replay: replaySchema.prefault({}),
    compare: compareSchema.prefault({}),
    noise: noiseSchema.prefault({}),
    latency: latencySchema.prefault({}),
    stub: stubSchema.prefault({}),
  })
  .strict();

export type Config = z.output<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
export type RecordConfig = Config['record'];
export type ReplayConfig = Config['replay'];
export type RedactConfig = Config['redact'];
