import type { Config } from '../config/schema.js';
import { ReplayguardError, reasonOf } from '../errors.js';
import { displayLocation, resolveLocation } from '../store/open-store.js';
import type { SessionInfo } from '../types.js';
import { loadRedactionKey, redactionKeyFile } from '../redact/redaction-key.js';
import type { Server as TlsServer } from 'node:tls';
import { clientTlsOptions, loadServerTls } from '../http/tls.js';
import { CaptureWriter } from './capture-writer.js';
import { createRecorderMetrics, type RecorderMetrics } from './recorder-metrics.js';
import { startShadowMirror, type ShadowMirror } from '../shadow/shadow-mirror.js';
import { buildProxyServer } from './proxy-server.js';
import { createTrafficFilter } from './traffic-filter.js';

export interface RecorderOptions {
  config: Readonly<Config>;
  /** Log lines (startup, warnings); nothing is logged per request. @default no logging */
  log?: (line: string) => void;
  /** Environment for REPLAYGUARD_REDACTION_KEY. @default process.env */
  env?: Record<string, string | undefined>;
  /** Base for relative certificate paths, and where the redaction key file of a database URL lives (next to a file database otherwise). @default process.cwd() */
  cwd?: string;
}

export interface RecorderStats {
  session: string;
  captured: number;
  written: number;
  dropped: number;
  queued: number;
}

export interface RunningRecorder {
  /** `http://host:port` the proxy listens on. */
  url: string;
  port: number;
  session: SessionInfo;
  dbFile: string;
  stats(): RecorderStats;
  /** The recorder's Prometheus metrics (also served at `<adminPrefix>/metrics`). */
  metrics: RecorderMetrics;
  /** Live shadow comparison, when `record.shadow.target` is set. */
  shadow: ShadowMirror | null;
  /** Wait until every finished exchange so far is in the database. */
  drain(): Promise<void>;
  /**
   * Read the TLS certificate and key again (a renewed certificate) and serve them to new handshakes;
   * open connections keep theirs. Throws a catalogue error, keeping the old certificate, when the
   * new files are unusable. A no-op without TLS.
   */
  reloadTls(): void;
  /** Stop accepting, finish in-flight requests, flush, close the database. */
  close(): Promise<void>;
}

function defaultSessionName(d = new Date()): string {
  return `rec-${d.toISOString().slice(0, 19).replace(/[:T]/g, '-')}`;
}

/** Start the recording proxy in front of `config.record.upstream`. */
export async function startRecorder(options: RecorderOptions): Promise<RunningRecorder> {
  const { config } = options;
  const log = options.log ?? (() => {});
  const upstream = config.record.upstream;
  if (!upstream) {
    throw new ReplayguardError('RG_ERR_USAGE', { details: 'record needs an upstream: pass --upstream http://staging:8080 (or set record.upstream in the config)', command: 'record' });
  }
  const upstreamOrigin = new URL(upstream).origin === 'null' ? upstream : upstream.replace(/\/$/, '');
  const cwd = options.cwd ?? process.cwd();
  // Certificates are checked before anything is opened: a bad file is a startup error, not a failed handshake.
  const tlsFiles = config.record.tls;
  const tls = tlsFiles ? loadServerTls(tlsFiles, cwd) : undefined;
  const upstreamTls = clientTlsOptions(config.record.upstreamTls, cwd);
  const dbFile = resolveLocation(config.db);
  const { key: redactionKey } = loadRedactionKey({ env: options.env ?? process.env, keyFile: redactionKeyFile(config.db, options.cwd), create: true });
  let captured = 0;
  let forwarded = 0;
  const metrics = createRecorderMetrics({
    counts: () => ({ forwarded, captured, ...writer.stats() }),
    upstreamLatency: () => writer.upstreamLatency(),
  });
  const writer = new CaptureWriter({
    location: dbFile,
    session: { name: config.record.session ?? defaultSessionName(), upstream: upstreamOrigin, startedAt: Date.now() },
    redact: config.redact,
    redactionKey: new Uint8Array(redactionKey),
    routeTemplates: [...config.routes.templates],
    maxDecodedBytes: config.compare.maxDecodedBytes,
    maxQueueBytes: config.record.queue.maxBytes,
    flushMs: config.record.queue.flushMs,
    batchSize: config.record.queue.batchSize,
    onWarning: (m) => log(`replayguard: warning: ${m}`),
    onBatch: (seconds) => metrics.observeBatch(seconds),
  });
  let session: SessionInfo;
  try {
    session = await writer.ready();
  } catch (e) {
    await writer.close().catch(() => {});
    throw e;
  }
  // Shadowing starts once the session is known (the shadow run names it), before any traffic.
  let shadow: ShadowMirror | null = null;
  if (config.record.shadow.target) {
    try {
      shadow = await startShadowMirror({
        config,
        redactionKey,
        registry: metrics.registry,
        session: session.name,
        recordingsDb: displayLocation(dbFile),
        cwd,
        tls: upstreamTls,
        warn: (m) => log(`replayguard: warning: ${m}`),
      });
    } catch (e) {
      await writer.close().catch(() => {});
      throw e;
    }
  }
  const stats = (): RecorderStats => {
    const s = writer.stats();
    return { session: session.name, captured, written: s.written, dropped: s.dropped, queued: s.queued };
  };
  const app = await buildProxyServer({
    upstream: upstreamOrigin,
    record: config.record,
    filter: createTrafficFilter(config.record),
    capture: (exchange, upstreamSeconds) => {
      captured++;
      if (upstreamSeconds !== null) forwarded++;
      writer.enqueue(exchange, upstreamSeconds);
      // The client has its whole answer by now: mirroring cannot delay it.
      shadow?.offer(exchange);
    },
    observeUpstream: (observation) => {
      forwarded++;
      writer.observe(observation);
    },
    stats,
    tls,
    upstreamTls,
    metrics,
  });
  let address: string;
  try {
    address = await app.listen({ host: config.record.host, port: config.record.port });
  } catch (e) {
    await app.close().catch(() => {});
    await writer.close();
    await shadow?.close();
    throw new ReplayguardError('RG_ERR_LISTEN', { address: `${config.record.host}:${config.record.port}`, reason: reasonOf(e) }, { cause: e });
  }
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.record.port;
  const url = address.replace('[::1]', 'localhost');
  log(`replayguard record: listening on ${url} → upstream ${upstreamOrigin}, session "${session.name}", database ${displayLocation(dbFile)}`);

  let closing: Promise<void> | null = null;
  return {
    url,
    port,
    session,
    dbFile,
    stats,
    metrics,
    shadow,
    drain: () => writer.drain(),
    reloadTls() {
      if (!tlsFiles) return;
      (app.server as unknown as TlsServer).setSecureContext(loadServerTls(tlsFiles, cwd));
    },
    close() {
      // app.close() stops accepting and waits for in-flight requests; their onResponse hooks
      // enqueue the last captures before the writer is flushed and closed.
      // Storage that is down gets the same grace as in-flight requests (at least a second after them).
      const flushBy = Date.now() + config.record.shutdownGrace;
      closing ??= app
        .close()
        .then(() => writer.close(Date.now(), Math.max(flushBy, Date.now() + 1000)))
        .then(() => shadow?.close());
      return closing;
    },
  };
}
