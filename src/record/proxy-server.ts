import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import type { ConnectionOptions } from 'node:tls';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import httpProxy from '@fastify/http-proxy';
import { Pool } from 'undici';
import type { RecordConfig } from '../config/schema.js';
import type { Capture, ExchangeFailure, HeaderPairs } from '../types.js';
import { BodyTap, NO_BODY } from '../http/body-tap.js';
import { pairsFromObject, pairsFromRaw } from '../http/header-pairs.js';
import { classifyTransportFailure } from '../http/transport-failure.js';
import { isTlsFailureCode, tlsFailureHint, type ServerTlsMaterial } from '../http/tls.js';
import type { RecorderMetrics } from './recorder-metrics.js';
import type { TrafficFilter } from './traffic-filter.js';
import type { UpstreamObservation } from './upstream-latency.js';

/** What the proxy needs from the rest of the recorder. */
export interface ProxyDeps {
  upstream: string;
  record: Readonly<RecordConfig>;
  filter: TrafficFilter;
  /**
   * Hands a finished capture to storage; must not block. `upstreamSeconds`: from the request's arrival
   * to the upstream's response head or transport failure (null: neither happened), for the metrics.
   */
  capture: (exchange: Capture, upstreamSeconds: number | null) => void;
  /** A forwarded request that is not captured got its upstream's answer (status null: a transport failure). */
  observeUpstream?: (observation: UpstreamObservation) => void;
  /** Health and stats for the admin endpoints. */
  stats: () => object;
  /** Served at `<adminPrefix>/metrics`. @default no metrics */
  metrics?: RecorderMetrics;
  /** Listen with TLS, serving this certificate. @default plain http */
  tls?: ServerTlsMaterial;
  /** undici `connect` options towards an https upstream (CAs, client certificate). @default undici's */
  upstreamTls?: ConnectionOptions;
}

interface CaptureState {
  startedAt: number;
  t0: number;
  /** null: the request has no body (neither Content-Length nor Transfer-Encoding), nothing to observe. */
  reqTap: BodyTap | null;
  resTap: BodyTap | null;
  status: number | null;
  resHeaders: HeaderPairs;
  ttfbMs: number | null;
  /**
   * For the latency metric: ttfbMs in seconds once a head arrived, but also set, to the moment of the
   * failure, when the upstream failed before any head (ttfbMs stays null: no first byte). Null: neither.
   */
  upstreamSeconds: number | null;
  failure: ExchangeFailure | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    rgCapture: CaptureState | null;
    /** The client's Content-Type, kept out of fastify's sight (see onRequest) and forwarded as sent. */
    rgContentType: string | undefined;
    /** When a forwarded request arrived (performance.now()), for the upstream latency metric. */
    rgT0: number;
  }
}

const now = (): number => performance.now();

/** The failure to record, and the status the client gets: 504 for a timeout, 502 otherwise. */
export function failureOf(error: unknown): { failure: ExchangeFailure; status: 502 | 504 } {
  const failure = classifyTransportFailure(error);
  return { failure, status: failure.kind === 'timeout' ? 504 : 502 };
}

function declaredLength(v: string | string[] | undefined): number | undefined {
  if (typeof v !== 'string') return undefined;
  const n = Number(v);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/**
 * A request carries a body only when it declares one (RFC 9112 §6.3): most requests (GET, HEAD,
 * DELETE) do not, and need no tap, no listener and no pause of their stream.
 */
function hasBody(headers: IncomingHttpHeaders): boolean {
  const length = headers['content-length'];
  return headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * An X-Forwarded-* list (`client, proxy1, …`) with this hop added, keeping what earlier proxies put
 * there; undefined when this hop has nothing to add. The caller stores it under a literal name: a
 * store under a variable name that adds a property is megamorphic and went through the runtime on
 * every request (the proxy's costliest line of its own in a CPU profile).
 */
function withHop(prior: string | string[] | undefined, value: string | undefined): string | undefined {
  if (!value) return undefined;
  const before = Array.isArray(prior) ? prior.join(', ') : prior;
  return before ? `${before}, ${value}` : value;
}

/** Streams that never end are passed through but not recorded (a capture would never finish). */
function isEndlessStream(headers: IncomingHttpHeaders | Record<string, unknown>): boolean {
  const type = String(headers['content-type'] ?? '');
  return type.startsWith('text/event-stream');
}

/**
 * The recording reverse proxy: an encapsulated fastify app around @fastify/http-proxy. Bodies stream
 * through untouched; the capture observes their chunks on the side (BodyTap) and is handed over
 * once the response is finished, off the hot path's critical section.
 */
export async function buildProxyServer(deps: ProxyDeps): Promise<FastifyInstance> {
  const { record, filter, upstream } = deps;
  const upstreamUrl = new URL(upstream);
  // Typed as the http flavour: the https server differs only in TLS methods the recorder calls itself.
  const app = Fastify({
    ...(deps.tls ? { https: { cert: deps.tls.cert, key: deps.tls.key } } : {}),
    logger: false,
    // Recorded clients may send anything; the proxy must not reject what the upstream would accept.
    bodyLimit: Number.MAX_SAFE_INTEGER,
    requestIdHeader: false,
    return503OnClosing: false,
    routerOptions: { ignoreDuplicateSlashes: false, ignoreTrailingSlash: false, maxParamLength: 65_535 },
  });
  app.decorateRequest('rgCapture', null);
  app.decorateRequest('rgContentType', undefined);
  app.decorateRequest('rgT0', 0);
  // Every request body is forwarded as the raw stream it arrived as, whatever its content type: a
  // parser would buffer it whole (unbounded memory) and re-encode it (fastify's text parser turns
  // ISO-8859-1 into UTF-8 and reply-from then drops `; charset=`). One pass-through parser, no other.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));

  const adminPrefix = record.adminPrefix;
  const adminPath = `${adminPrefix}/`;
  app.get(`${adminPrefix}/health`, async () => ({ status: 'ok', upstream }));
  const { metrics } = deps;
  if (metrics) {
    app.get(`${adminPrefix}/metrics`, async (_request, reply) => reply.header('content-type', metrics.contentType).send(await metrics.scrape()));
  }
  app.get(`${adminPrefix}/stats`, async () => {
    const m = process.memoryUsage();
    const mb = (n: number): number => Math.round(n / 1048576);
    return { ...deps.stats(), memoryMB: { rss: mb(m.rss), heapUsed: mb(m.heapUsed), external: mb(m.external), arrayBuffers: mb(m.arrayBuffers) } };
  });

  // Upstream requests go through a pool of our own, so shutdown can end the ones still waiting
  // (reply-from never destroys a pool it was given, nor, by default, one it made).
  const pool = new Pool(upstreamUrl.origin, {
    connections: 256,
    pipelining: 1,
    headersTimeout: record.upstreamTimeout,
    bodyTimeout: Math.max(record.upstreamTimeout, 300_000),
    keepAliveTimeout: 4_000,
    ...(deps.upstreamTls ? { connect: deps.upstreamTls } : {}),
  });

  // Shutdown has one deadline for everything. Once closing, every response ends its connection, and
  // connections that fall idle are closed as they do (closeIdleConnections never touches one with a
  // request in flight), so `close()` resolves once the in-flight requests are answered. At
  // record.shutdownGrace whatever is left (a request still waiting on the upstream, a stream that
  // never ends) is cut: upstream requests are aborted, client connections closed, and those
  // captures are recorded as aborted. `close()` resolves only once every capture is handed over.
  let closing = false;
  let cut = false;
  let reaper: NodeJS.Timeout | null = null;
  let deadline: NodeJS.Timeout | null = null;
  let inFlight = 0;
  let settled: (() => void) | null = null;
  app.addHook('preClose', (done) => {
    closing = true;
    reaper = setInterval(() => app.server.closeIdleConnections(), 50);
    deadline = setTimeout(() => {
      cut = true;
      void pool.destroy();
      app.server.closeAllConnections();
    }, record.shutdownGrace);
    done();
  });
  app.addHook('onClose', async () => {
    if (inFlight > 0) await new Promise<void>((resolve) => (settled = resolve));
    if (reaper) clearInterval(reaper);
    if (deadline) clearTimeout(deadline);
    await pool.destroy();
  });

  /**
   * The router decides what is admin, after its own percent-decoding: `/%5f_replayguard/stats` is the
   * same URI as `/__replayguard/stats` (RFC 3986 §6.2.2.2), so it is answered as admin and never
   * recorded, while an encoding the router keeps (`%2F`) is an ordinary path forwarded upstream.
   * Without a `%` the raw prefix test is the router's answer, and costs no allocation.
   */
  function isAdminRequest(request: FastifyRequest, raw: string): boolean {
    if (raw.startsWith(adminPath)) return true;
    return raw.includes('%') && (request.routeOptions.url ?? '').startsWith(adminPath);
  }

  app.addHook('onRequest', (request, reply, done) => {
    const raw = request.raw.url ?? '';
    // Absolute-form targets (`GET http://elsewhere/`) would make this an open proxy: refuse them.
    if (!raw.startsWith('/') || request.raw.method === 'CONNECT') {
      void reply
        .code(400)
        .header('content-type', 'application/json')
        .send({ error: 'replayguard proxy: only origin-form requests (GET /path) are accepted; this proxy forwards to its configured upstream only', upstream });
      return;
    }
    // fastify answers 415 to a Content-Type it cannot parse before any body parser runs; hidden from
    // it, every body takes the pass-through parser, and rewriteRequestHeaders puts the header back.
    const contentType = request.raw.headers['content-type'];
    if (contentType !== undefined) {
      request.rgContentType = contentType;
      delete request.raw.headers['content-type'];
    }
    // WebSocket upgrades are proxied untouched and not recorded (a capture would never finish).
    if (isAdminRequest(request, raw) || request.headers.upgrade !== undefined) return done();
    const method = request.raw.method ?? 'GET';
    const t0 = now();
    request.rgT0 = t0;
    if (!filter.accepts(method, raw)) return done();
    const state: CaptureState = {
      startedAt: Date.now(),
      t0,
      reqTap: hasBody(request.headers) ? new BodyTap(record.maxBodyBytes, declaredLength(request.headers['content-length'])).attach(request.raw) : null,
      resTap: null,
      status: null,
      resHeaders: [],
      ttfbMs: null,
      upstreamSeconds: null,
      failure: null,
    };
    request.rgCapture = state;
    inFlight++;
    // The response's 'close' fires once it is complete *or* destroyed mid-body (upstream reset, client
    // gone); fastify's onResponse hook skips the latter, and those exchanges must be recorded too.
    reply.raw.once('close', () => completeCapture(request, reply));
    done();
  });

  function onUpstreamResponse(request: FastifyRequest, reply: FastifyReply, res: { statusCode: number; headers: IncomingHttpHeaders; stream: Readable }): void {
    const at = now();
    const seconds = (at - request.rgT0) / 1000;
    request.rgT0 = -1;
    const state = request.rgCapture;
    if (!state || isEndlessStream(res.headers)) deps.observeUpstream?.([request.raw.method ?? 'GET', request.raw.url ?? '/', res.statusCode, seconds]);
    if (state) {
      state.ttfbMs = at - state.t0;
      state.upstreamSeconds = seconds;
      state.status = res.statusCode;
      state.resHeaders = pairsFromObject(res.headers);
      if (isEndlessStream(res.headers)) settleCapture(request);
      else {
        state.resTap = new BodyTap(
          record.maxBodyBytes,
          request.raw.method === 'HEAD' || res.statusCode === 204 || res.statusCode === 304 ? undefined : declaredLength(res.headers['content-length']),
        ).attach(res.stream);
        res.stream.once('error', (e) => {
          state.failure ??= classifyTransportFailure(e);
        });
      }
    }
    // The upstream's connection headers describe the proxy-to-upstream hop, not the client's; left
    // in, its `connection: keep-alive` would override the `connection: close` a closing server sends.
    reply.removeHeader('keep-alive');
    if (closing) reply.header('connection', 'close');
    else if (String(reply.getHeader('connection') ?? '').toLowerCase() !== 'close') reply.removeHeader('connection');
    void reply.send(res.stream);
  }

  function onUpstreamError(reply: FastifyReply, { error }: { error: Error }): void {
    const { failure, status } = cut ? { failure: cutAtShutdown(), status: 502 as const } : failureOf(error);
    const request = reply.request;
    const state = request.rgCapture;
    // A body that fails after the head was observed is not a second request.
    if (request.rgT0 >= 0) {
      const seconds = (now() - request.rgT0) / 1000;
      request.rgT0 = -1;
      if (state) state.upstreamSeconds = seconds;
      else deps.observeUpstream?.([request.raw.method ?? 'GET', request.raw.url ?? '/', null, seconds]);
    }
    if (state) state.failure = failure;
    if (reply.sent) return;
    void reply.code(status).header('content-type', 'application/json').send(upstreamErrorBody(failure, status));
  }

  /** The 502/504 body names what really went wrong: silence, no connection, or a reply that is not HTTP. */
  function upstreamErrorBody(failure: ExchangeFailure, status: 502 | 504): object {
    const base = { cause: failure.kind, code: failure.code, upstream };
    if (status === 504) return { error: 'upstream timed out', ...base, hint: `the upstream sent no response within ${record.upstreamTimeout} ms (record.upstreamTimeout)` };
    if (failure.kind === 'malformed') {
      return { error: "the upstream's response was malformed", ...base, reason: failure.message, hint: `${upstream} answered with something that is not valid HTTP/1.1; fix the upstream's response` };
    }
    if (isTlsFailureCode(failure.code)) return { error: 'TLS handshake with the upstream failed', ...base, reason: failure.message, hint: tlsFailureHint(failure.code) };
    return { error: 'upstream unavailable', ...base, reason: failure.message, hint: `check that ${upstream} is running and reachable from the proxy` };
  }

  function cutAtShutdown(): ExchangeFailure {
    return { kind: 'aborted', code: 'ECONNABORTED', message: `cut at shutdown: not complete within record.shutdownGrace (${record.shutdownGrace} ms) of the stop signal` };
  }

  /** Ends a capture's life: shutdown waits for every capture started to be settled. */
  function settleCapture(request: FastifyRequest): void {
    request.rgCapture = null;
    if (--inFlight === 0 && settled) settled();
  }

  /** Hands the finished capture over, once. */
  function completeCapture(request: FastifyRequest, reply: FastifyReply): void {
    const state = request.rgCapture;
    if (state) {
      settleCapture(request);
      const totalMs = now() - state.t0;
      let failure = state.failure;
      if (!reply.raw.writableFinished && (cut || (!failure && state.status !== null))) {
        failure = cut ? cutAtShutdown() : { kind: 'aborted', code: 'ECONNABORTED', message: 'the response did not complete (client or upstream closed the connection)' };
      }
      const upstreamAnswered = state.status !== null;
      deps.capture({
        startedAt: state.startedAt,
        upstream,
        request: {
          method: request.raw.method ?? 'GET',
          url: request.raw.url ?? '/',
          headers: pairsFromRaw(request.raw.rawHeaders),
          body: state.reqTap ? state.reqTap.result() : NO_BODY,
        },
        response: upstreamAnswered
          ? { status: state.status!, headers: state.resHeaders, body: state.resTap ? state.resTap.result() : NO_BODY }
          : null,
        timing: { ttfbMs: state.ttfbMs, totalMs },
        failure: failure ?? (upstreamAnswered ? null : { kind: 'error', code: `HTTP_${reply.statusCode}`, message: 'no upstream response' }),
      }, state.upstreamSeconds);
    }
  }

  await app.register(httpProxy, {
    upstream,
    http2: false,
    websocket: true,
    undici: pool as never,
    // Preserve what the client sent as far as HTTP allows. Changed on the way, as a reverse proxy
    // does: Host becomes the upstream's (unless record.preserveHost), and X-Forwarded-For/-Host/-Proto
    // get the client's address, Host and scheme appended, so an upstream that builds absolute URLs
    // keeps its clients on the proxy.
    replyOptions: {
      onResponse: onUpstreamResponse as never,
      onError: onUpstreamError as never,
      // reply-from retries GETs on 503 by default; a recording proxy must show the real answer.
      retryDelay: () => null,
      rewriteRequestHeaders: (req, headers) => {
        const clientHost = req.headers.host;
        headers.host = record.preserveHost && clientHost ? clientHost : upstreamUrl.host;
        if (req.rgContentType !== undefined) headers['content-type'] = req.rgContentType;
        // Node has already answered `100 Continue` to the client (the server has no checkContinue
        // listener), so the expectation is met on this hop; undici refuses to send the header.
        delete headers.expect;
        const socket = req.raw.socket as { remoteAddress?: string; encrypted?: boolean };
        const forwardedFor = withHop(headers['x-forwarded-for'], socket.remoteAddress);
        if (forwardedFor !== undefined) headers['x-forwarded-for'] = forwardedFor;
        const forwardedHost = withHop(headers['x-forwarded-host'], clientHost);
        if (forwardedHost !== undefined) headers['x-forwarded-host'] = forwardedHost;
        headers['x-forwarded-proto'] = withHop(headers['x-forwarded-proto'], socket.encrypted ? 'https' : 'http');
        return headers;
      },
    },
    internalRewriteLocationHeader: false,
    // The pass-through parser above is registered by us, once, for every content type.
    proxyPayloads: false,
  });
  return app;
}
