import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Config } from '../config/schema.js';
import { ReplayguardError, reasonOf } from '../errors.js';
import { FAULT_HEADER, type FaultContext } from '../faults/fault-kind.js';
import { compilePlan, type CompiledPlan } from '../faults/fault-plan.js';
import { FAULT_KINDS } from '../faults/kinds/index.js';
import { pairsFromRaw } from '../http/header-pairs.js';
import { loadServerTls } from '../http/tls.js';
import type { CaptureWriter } from '../record/capture-writer.js';
import { createRouteTemplater } from '../routes/route-template.js';
import { displayLocation, openRecordingStore, resolveLocation } from '../store/open-store.js';
import type { SessionInfo } from '../types.js';
import { forward, openMissRecorder, parseMissPolicy } from './on-miss.js';
import { closestCandidates } from './request-match.js';
import { RepeatCounter } from './repeat-sequence.js';
import { compileIgnore, type RawRequest, type RequestShape } from './request-shape.js';
import { jsonAnswer, sendAnswer, waitOrClose, type StubAnswer } from './stub-answer.js';
import { StubAnswers } from './stub-answers.js';
import { StubIndex, type RecordedAnswer, type StubEntry } from './stub-index.js';
import { createStubMetrics } from './stub-metrics.js';
import { StubStats, type StubMiss, type StubStatsSnapshot } from './stub-stats.js';

export interface StubOptions {
  /** `db`, `stub.*` (session, host, port, onMiss, latency, ignore, matchHeaders, seed, faults, tls), `routes`, `redact`. */
  config: Readonly<Config>;
  /** Startup lines and warnings; nothing per request. @default no logging */
  log?: (line: string) => void;
  /** Environment (the redaction key, for `--on-miss record=`). @default process.env */
  env?: Record<string, string | undefined>;
  /** Base for relative certificate paths, and where the redaction key file of a database URL lives (next to a file database otherwise). @default process.cwd() */
  cwd?: string;
}

export interface RunningStub {
  /** `http://host:port` (`https://` with TLS) the stub listens on. */
  url: string;
  port: number;
  session: SessionInfo;
  stats(): StubStatsSnapshot;
  /**
   * Read the TLS certificate and key again (a renewed certificate) and serve them to new handshakes;
   * open connections keep theirs. Throws a catalogue error, keeping the old certificate, when the
   * new files are unusable. A no-op without TLS.
   */
  reloadTls(): void;
  /** Stop: open connections (held by a `timeout` fault, say) are closed; misses being recorded are flushed. */
  close(): Promise<void>;
}

/** How long a forwarded miss may take. */
const FORWARD_TIMEOUT_MS = 30_000;
/** Near-miss candidates named in a 502 and in stats. */
const CLOSEST = 3;
/** Distinct recorded requests of a route scored for a near miss (each is read back from the store). */
const MAX_SCORED = 200;

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function recordedAnswer(entry: RecordedAnswer, method: string): StubAnswer {
  if (!entry.response) {
    // The dependency failed while recording: the stub fails the same way a recording proxy reported it.
    const f = entry.failure;
    return jsonAnswer(502, { error: 'replayguard stub: the recorded exchange has no response', cause: f?.kind ?? 'error', code: f?.code ?? '', reason: f?.message ?? '' });
  }
  const r = entry.response;
  return { status: r.status, headers: r.headers, body: r.body.bytes, bodiless: method === 'HEAD' || r.status === 204 || r.status === 304 };
}

function latencyOf(config: Config['stub']['latency'], entry: StubEntry): number {
  if (config === 'none') return 0;
  return entry.totalMs * (config === 'recorded' ? 1 : config);
}

/**
 * Serve a recorded session as the dependency it was recorded from. Requests are matched by method,
 * route, query multiset, chosen headers and body (request-shape.ts); the Nth identical call gets the
 * Nth recorded answer; a miss fails with the closest recorded requests, or is forwarded; a fault plan
 * may shape any answer. A plain node:http server rather than fastify: faults write to (and break) the
 * socket directly, and there are no routes to speak of.
 */
export async function startStub(options: StubOptions): Promise<RunningStub> {
  const { config } = options;
  const stub = config.stub;
  const log = options.log ?? (() => {});
  const env = options.env ?? process.env;
  const sessionRef = stub.session ?? 'latest';
  const dbFile = resolveLocation(config.db);
  const cwd = options.cwd ?? process.cwd();
  // Certificates are checked before anything is opened: a bad file is a startup error, not a failed handshake.
  const tls = stub.tls ? loadServerTls(stub.tls, cwd) : undefined;
  const rules = { templater: createRouteTemplater([...config.routes.templates]), ignore: compileIgnore(stub.ignore), matchHeaders: stub.matchHeaders.map((h) => h.toLowerCase()) };

  // Requests are indexed up front; answers are read from the store as they are served (stub-answers.ts).
  const store = await openRecordingStore(dbFile, { readonly: true });
  let loaded: { index: StubIndex; session: SessionInfo };
  try {
    loaded = await StubIndex.load(store, sessionRef, rules);
  } catch (e) {
    await store.close();
    throw e;
  }
  const closeIndex = (): void => loaded.index.close();
  const { index, session } = loaded;
  const answers = new StubAnswers(store, session.id);
  const plan: CompiledPlan | null = stub.faults ? compilePlan(stub.faults, stub.seed) : null;
  const miss = parseMissPolicy(stub.onMiss);
  const recorder: CaptureWriter | null = miss.mode === 'record' ? await openMissRecorder(config, dbFile, session.name, miss.url, { env, cwd: options.cwd }, log) : null;
  const stats = new StubStats({ session: session.name, onMiss: stub.onMiss, exchanges: () => index.exchanges }, plan);
  const metrics = createStubMetrics(() => stats.snapshot());
  const repeats = new RepeatCounter();
  const adminPrefix = `${config.record.adminPrefix}/`;
  const startedAt = performance.now();

  /** The closest recorded requests of the route, each re-read and shaped as the received one was. */
  async function nearMiss(shape: RequestShape, raw: RawRequest): Promise<Omit<StubMiss, 'count'>> {
    const shaped: Array<{ seq: number; url: string; shape: RequestShape }> = [];
    for (const c of index.candidates(shape, MAX_SCORED)) {
      const request = index.keptRequest(c.seq) ?? (await answers.exchange(c.seq))?.request;
      if (request) shaped.push({ seq: c.seq, url: c.url, shape: index.shape({ method: request.method, url: request.url, headers: request.headers, body: request.body.bytes }) });
    }
    const closest = closestCandidates(shaped, shape, CLOSEST).map((n) => ({ seq: n.candidate.seq, url: n.candidate.url, differences: n.differences }));
    return { method: shape.method, url: raw.url, route: shape.route, closest };
  }

  async function answerMiss(shape: RequestShape, raw: RawRequest): Promise<StubAnswer> {
    if (miss.mode === 'fail') {
      const detail = await nearMiss(shape, raw);
      stats.miss(shape.key, () => detail, { forwarded: false, recorded: false });
      const known = detail.closest.length > 0;
      return jsonAnswer(502, {
        error: `replayguard stub: no recorded exchange of session "${session.name}" matches ${shape.method} ${raw.url}`,
        route: `${shape.method} ${shape.route}`,
        closest: detail.closest,
        hint: known
          ? 'the closest recorded requests are listed with the fields that differ; record this request too (--on-miss record=URL), or leave volatile fields out of matching with stub.ignore'
          : `nothing was recorded for ${shape.method} ${shape.route}; recorded routes: ${index.routes().slice(0, 20).join(', ')}`,
      });
    }
    const got = await forward(miss.url, raw, FORWARD_TIMEOUT_MS);
    const recordIt = recorder !== null && got.capture.response !== null;
    if (recordIt) {
      recorder.enqueue(got.capture);
      // Served from memory from now on, like everything recorded before it.
      index.addServed({ request: got.capture.request, response: got.capture.response, failure: null, timing: got.capture.timing });
    }
    const detail = await nearMiss(shape, raw);
    stats.miss(shape.key, () => detail, { forwarded: true, recorded: recordIt });
    return got.answer;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    if (url.startsWith(adminPrefix)) return admin(url.slice(adminPrefix.length), res);
    const t0 = performance.now();
    const body = await readBody(req);
    const raw: RawRequest = { method: req.method ?? 'GET', url, headers: pairsFromRaw(req.rawHeaders), body: body.length ? body : null };
    stats.request();
    const shape = index.shape(raw);
    const repeat = repeats.next(shape.key);
    const entry = index.entryFor(shape, repeat);
    let answer: StubAnswer;
    const outcome = entry ? 'hit' : 'miss';
    if (entry) {
      stats.hit();
      answer = recordedAnswer(await answers.answerOf(entry), shape.method);
      await waitOrClose(res, latencyOf(stub.latency, entry));
    } else {
      answer = await answerMiss(shape, raw);
    }
    const decision = plan?.decide({ method: shape.method, path: shape.path, key: shape.key, repeat, elapsedMs: performance.now() - startedAt });
    if (!decision) {
      sendAnswer(res, answer);
      return metrics.observe(outcome, (performance.now() - t0) / 1000);
    }
    stats.fault(decision.rule.index);
    const ctx: FaultContext = {
      request: req,
      response: res,
      answer,
      label: decision.rule.label,
      random: decision.random,
      send: () => sendAnswer(res, answer, [[FAULT_HEADER, decision.rule.label]]),
    };
    await (FAULT_KINDS[decision.rule.kind].apply as (p: unknown, c: FaultContext) => Promise<void> | void)(decision.rule.params, ctx);
    metrics.observe(outcome, (performance.now() - t0) / 1000);
  }

  async function admin(path: string, res: ServerResponse): Promise<void> {
    if (path === 'health') return sendAnswer(res, jsonAnswer(200, { status: 'ok', session: session.name, exchanges: index.exchanges }));
    if (path === 'stats') return sendAnswer(res, jsonAnswer(200, stats.snapshot()));
    if (path === 'metrics') return sendAnswer(res, { status: 200, headers: [['content-type', metrics.contentType]], body: Buffer.from(await metrics.scrape()), bodiless: false });
    sendAnswer(res, jsonAnswer(404, { error: `unknown admin path; try ${adminPrefix}health, ${adminPrefix}stats or ${adminPrefix}metrics` }));
  }

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch((e: unknown) => {
      // A bug answering one request must not take the dependency down for the others.
      log(`replayguard stub: internal error on ${req.method} ${req.url}: ${reasonOf(e)}`);
      if (!res.headersSent && !res.destroyed) sendAnswer(res, jsonAnswer(500, { error: 'replayguard stub: internal error', reason: reasonOf(e) }));
      else res.destroy();
    });
  };
  const server = tls ? createTlsServer({ cert: tls.cert, key: tls.key }, onRequest) : createServer(onRequest);
  server.keepAliveTimeout = 30_000;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(stub.port, stub.host, () => resolve());
    });
  } catch (e) {
    await recorder?.close();
    await store.close();
    closeIndex();
    throw new ReplayguardError('RG_ERR_LISTEN', { address: `${stub.host}:${stub.port}`, reason: reasonOf(e) }, { cause: e });
  }
  const port = (server.address() as AddressInfo).port;
  const host = stub.host.includes(':') ? `[${stub.host}]` : stub.host;
  const url = `${tls ? 'https' : 'http'}://${host}:${port}`;
  log(
    `replayguard stub: listening on ${url}, serving session "${session.name}" (${index.exchanges} exchanges from ${displayLocation(dbFile)}); on a miss: ${stub.onMiss}` +
      (plan ? `; fault plan: ${plan.rules.length} rule${plan.rules.length === 1 ? '' : 's'}, seed ${plan.seed}` : ''),
  );
  let closing: Promise<void> | null = null;
  return {
    url,
    port,
    session,
    stats: () => stats.snapshot(),
    reloadTls() {
      if (stub.tls) (server as TlsServer).setSecureContext(loadServerTls(stub.tls, cwd));
    },
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        // Held connections (a `timeout` fault, keep-alive) would keep close() waiting forever.
        server.closeAllConnections();
        await closed;
        await recorder?.close();
        await store.close();
        closeIndex();
      })();
      return closing;
    },
  };
}
