import type { ExchangeFailure } from '../types.js';
import { isTlsFailureCode } from './tls.js';

/**
 * One classification of transport errors (undici's, reply-from's, Node's) into the failure kinds that
 * are recorded and reported: the recording proxy and the replay client both use it, so a refused
 * upstream at record time and a refused candidate at replay time read the same.
 */
export function classifyTransportFailure(error: unknown): ExchangeFailure {
  const e = error as { code?: string; name?: string; message?: string; cause?: { code?: string; name?: string; message?: string } };
  // reply-from wraps undici's parser error in a generic 500-ish error; the parser's is the real cause.
  const parser = e.cause?.name === 'HTTPParserError' ? e.cause : e.name === 'HTTPParserError' ? e : null;
  const code = parser ? (parser.code ?? 'HTTPParserError') : (e.cause?.code ?? e.code ?? e.name ?? 'ERROR');
  const message = e.cause?.message && e.cause.message !== e.message ? `${e.message ?? ''} (${e.cause.message})`.trim() : (e.message ?? String(error));
  if (/TIMEOUT/i.test(code) || /TIMEOUT/i.test(e.code ?? '') || e.name === 'TimeoutError') {
    return { kind: 'timeout', code, message };
  }
  if (parser || code.startsWith('HPE_') || code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH') return { kind: 'malformed', code, message };
  // A handshake that fails (certificate not trusted, client certificate missing) is a connection
  // that was never made: refused, so replay stops early instead of failing every exchange.
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || isTlsFailureCode(code)) return { kind: 'refused', code, message };
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE' || code === 'UND_ERR_CLOSED') return { kind: 'reset', code, message };
  return { kind: 'error', code, message };
}
