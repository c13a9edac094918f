import { brotliCompressSync, brotliDecompressSync, constants, gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../src/config/resolve-config.js';
import type { RedactConfig } from '../../../src/config/schema.js';
import { createRedactor, DEFAULT_REDACTED_HEADERS } from '../../../src/record/redact.js';
import type { Capture, HeaderPairs, StoredBody } from '../../../src/types.js';

const M = '[REDACTED]';

function redactConfig(over: Partial<RedactConfig> = {}): RedactConfig {
  return defaultConfig({ redact: over }).redact;
}

function full(bytes: Buffer | string | null): StoredBody {
  const b = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
  return { bytes: b, size: b?.length ?? 0, truncated: false };
}

function exchange(req: { url?: string; headers?: HeaderPairs; body?: StoredBody } = {}, res: { headers?: HeaderPairs; body?: StoredBody } | null = {}): Capture {
  return {
    startedAt: 1,
    upstream: 'http://u',
    request: { method: 'POST', url: req.url ?? '/x', headers: req.headers ?? [], body: req.body ?? full(null) },
    response: res ? { status: 200, headers: res.headers ?? [], body: res.body ?? full(null) } : null,
    timing: { ttfbMs: 1, totalMs: 2 },
    failure: null,
  };
}

function redactResponseBody(config: Partial<RedactConfig>, headers: HeaderPairs, body: StoredBody): StoredBody {
  return createRedactor(redactConfig(config)).redact(exchange({}, { headers, body })).response!.body;
}

const JSON_HEADERS: HeaderPairs = [['content-type', 'application/json; charset=utf-8']];

describe('redactor: headers', () => {
  it('redacts the default credential headers on both sides, whatever their case, keeping order and others', () => {
    const r = createRedactor(redactConfig());
    const out = r.redact(
      exchange(
        { headers: [['Authorization', 'Bearer s1'], ['Accept', 'a/b'], ['COOKIE', 'sid=s2'], ['x-api-key', 's3'], ['Proxy-Authorization', 'Basic s4']] },
        { headers: [['Set-Cookie', 'a=s5'], ['set-cookie', 'b=s6'], ['Content-Type', 'text/plain']] },
      ),
    );
    expect(out.request.headers).toEqual([['Authorization', M], ['Accept', 'a/b'], ['COOKIE', M], ['x-api-key', M], ['Proxy-Authorization', M]]);
    expect(out.response!.headers).toEqual([['Set-Cookie', M], ['set-cookie', M], ['Content-Type', 'text/plain']]);
    expect(DEFAULT_REDACTED_HEADERS.sort()).toEqual(['authorization', 'cookie', 'proxy-authorization', 'set-cookie', 'x-api-key']);
  });

  it('adds configured header names (any case) and a custom marker', () => {
    const r = createRedactor(redactConfig({ headers: ['X-Internal-Token'], marker: '***' }));
    const out = r.redact(exchange({ headers: [['x-internal-token', 't'], ['authorization', 'a'], ['x-other', 'o']] }));
    expect(out.request.headers).toEqual([['x-internal-token', '***'], ['authorization', '***'], ['x-other', 'o']]);
  });

  it('can turn the defaults off', () => {
    const r = createRedactor(redactConfig({ defaults: false, headers: ['x-secret'] }));
    const out = r.redact(exchange({ headers: [['authorization', 'a'], ['x-secret', 's']] }));
    expect(out.request.headers).toEqual([['authorization', 'a'], ['x-secret', M]]);
  });

  it('does not modify its input', () => {
    const input = exchange({ url: '/x?token=1', headers: [['authorization', 'a']] });
    const copy = structuredClone(input);
    createRedactor(redactConfig({ query: ['token'] })).redact(input);
    expect(input).toEqual(copy);
  });
});

describe('redactor: query parameters', () => {
  const r = createRedactor(redactConfig({ query: ['token', 'api key', 'Sig'] }));
  it.each([
    ['/x?token=abc', '/x?token=%5BREDACTED%5D'],
    ['/x?a=1&token=abc&b=2', '/x?a=1&token=%5BREDACTED%5D&b=2'],
    ['/x?token=a&token=b', '/x?token=%5BREDACTED%5D&token=%5BREDACTED%5D'],
    ['/x?TOKEN=abc', '/x?TOKEN=%5BREDACTED%5D'],
    ['/x?%74oken=abc', '/x?%74oken=%5BREDACTED%5D'],
    ['/x?api+key=abc', '/x?api+key=%5BREDACTED%5D'],
    ['/x?api%20key=abc', '/x?api%20key=%5BREDACTED%5D'],
    ['/x?sig=abc', '/x?sig=%5BREDACTED%5D'],
    ['/x?token', '/x?token=%5BREDACTED%5D'],
    ['/x?tokens=abc&mytoken=1', '/x?tokens=abc&mytoken=1'],
    ['/x?%zz=1&token=2', '/x?%zz=1&token=%5BREDACTED%5D'],
    ['/x', '/x'],
    ['/token/abc', '/token/abc'],
  ])('%s → %s', (url, expected) => {
    expect(r.redact(exchange({ url })).request.url).toBe(expected);
  });
});

describe('redactor: JSON bodies', () => {
  const doc = {
    user: 'ada',
    password: 'hunter2',
    profile: { token: 't1', nested: { token: 't2', keep: 'k' } },
    list: [{ token: 't3', ssn: '111' }, { ssn: '222' }],
    'a/b': 'slash-key',
  };
  const bodyOf = (v: unknown): StoredBody => full(JSON.stringify(v));
  const parse = (b: StoredBody): unknown => JSON.parse(b.bytes!.toString('utf8'));

  it.each<[string[], unknown]>([
    [['/password'], { ...doc, password: M }],
    [['**/token'], { ...doc, profile: { token: M, nested: { token: M, keep: 'k' } }, list: [{ token: M, ssn: '111' }, { ssn: '222' }] }],
    [['/list/*/ssn'], { ...doc, list: [{ token: 't3', ssn: M }, { ssn: M }] }],
    [['/profile/**/token'], { ...doc, profile: { token: M, nested: { token: M, keep: 'k' } } }],
    [['/profile'], { ...doc, profile: M }],
    [['/a~1b'], { ...doc, 'a/b': M }],
    [['/missing', '/password'], { ...doc, password: M }],
  ])('%j', (json, expected) => {
    const out = redactResponseBody({ json }, JSON_HEADERS, bodyOf(doc));
    expect(parse(out)).toEqual(expected);
    expect(out.size).toBe(out.bytes!.length);
    expect(out.truncated).toBe(false);
  });

  it('redacts request bodies too', () => {
    const r = createRedactor(redactConfig({ json: ['/password'] }));
    const out = r.redact(exchange({ headers: JSON_HEADERS, body: bodyOf({ password: 'p', n: 1 }) }));
    expect(parse(out.request.body)).toEqual({ password: M, n: 1 });
  });

  it('keeps the exact bytes of a body with nothing to redact', () => {
    const raw = Buffer.from('{ "user" :  "ada",\n  "n": 1.50 }');
    const out = redactResponseBody({ json: ['/password'] }, JSON_HEADERS, full(raw));
    expect(out.bytes).toBe(raw);
  });

  it('recognises JSON by +json types and by a leading brace when there is no type', () => {
    expect(parse(redactResponseBody({ json: ['/password'] }, [['content-type', 'application/problem+json']], bodyOf({ password: 'p' })))).toEqual({ password: M });
    expect(parse(redactResponseBody({ json: ['/password'] }, [], full('  {"password":"p"}')))).toEqual({ password: M });
    expect(parse(redactResponseBody({ json: ['/0/password'] }, [], full('[{"password":"p"}]')))).toEqual([{ password: M }]);
  });

  it('leaves non-JSON bodies alone', () => {
    const html = Buffer.from('<p>"password": "p"</p>');
    expect(redactResponseBody({ json: ['/password'] }, [['content-type', 'text/html']], full(html)).bytes).toBe(html);
    const form = Buffer.from('password=p');
    expect(redactResponseBody({ json: ['/password'] }, [['content-type', 'application/x-www-form-urlencoded']], full(form)).bytes).toBe(form);
  });

  it('decodes gzip, redacts and stores valid gzip again with the same content-encoding', () => {
    const headers: HeaderPairs = [...JSON_HEADERS, ['Content-Encoding', 'gzip']];
    const out = redactResponseBody({ json: ['**/token'] }, headers, full(gzipSync(JSON.stringify(doc))));
    const plain = JSON.parse(gunzipSync(out.bytes!).toString('utf8')) as typeof doc;
    expect(plain.profile.token).toBe(M);
    expect(plain.password).toBe('hunter2');
    expect(out.size).toBe(out.bytes!.length);
  });

  it('re-encodes br, and stacked encodings in order', () => {
    const br = redactResponseBody({ json: ['/password'] }, [...JSON_HEADERS, ['content-encoding', 'br']], full(brotliCompressSync(JSON.stringify(doc))));
    expect((JSON.parse(brotliDecompressSync(br.bytes!).toString()) as typeof doc).password).toBe(M);
    const stacked = redactResponseBody(
      { json: ['/password'] },
      [...JSON_HEADERS, ['content-encoding', 'gzip, br']],
      full(brotliCompressSync(gzipSync(JSON.stringify(doc)))),
    );
    expect((JSON.parse(gunzipSync(brotliDecompressSync(stacked.bytes!)).toString()) as typeof doc).password).toBe(M);
  });

  it('falls back to textual redaction for a truncated JSON body, keeping size and flag', () => {
    const text = JSON.stringify({ id: 1, password: 'hunter2', more: 'x'.repeat(100), token: 'cut-in-the-middle-of-this-secret' });
    const cut = Buffer.from(text.slice(0, text.indexOf('cut-in-the') + 12));
    const out = redactResponseBody({ json: ['/password', '**/token'] }, JSON_HEADERS, { bytes: cut, size: text.length, truncated: true });
    const stored = out.bytes!.toString('utf8');
    expect(stored).not.toContain('hunter2');
    expect(stored).not.toContain('cut-in-the');
    expect(stored).toContain(`"password":"${M}"`);
    expect(stored).toContain(`"token":"${M}"`);
    expect(out).toMatchObject({ size: text.length, truncated: true });
  });

  it('falls back to textual redaction for invalid JSON, covering numbers and escaped quotes', () => {
    const text = '{"password": "a\\"b", "pin": 1234, "token":null, oops}';
    const out = redactResponseBody({ json: ['/password', '/pin', '**/token'] }, JSON_HEADERS, full(text));
    expect(out.bytes!.toString()).toBe(`{"password": "${M}", "pin": "${M}", "token":"${M}", oops}`);
  });

  it('redacts a truncated gzip JSON body through its decodable prefix, still as gzip', () => {
    // Incompressible padding, so the cut falls well after the secret's compressed bytes.
    const pad = Array.from({ length: 4000 }, (_, i) => ((i * 2654435761) >>> 0).toString(36)).join('');
    const text = JSON.stringify({ password: 'hunter2', pad });
    const gz = gzipSync(text);
    const head = gz.subarray(0, Math.floor(gz.length / 2));
    expect(gunzipSync(head, { finishFlush: constants.Z_SYNC_FLUSH }).toString()).toContain('hunter2');
    const out = redactResponseBody({ json: ['/password'] }, [...JSON_HEADERS, ['content-encoding', 'gzip']], { bytes: head, size: gz.length, truncated: true });
    expect(out.truncated).toBe(true);
    expect(out.size).toBe(gz.length);
    const decoded = gunzipSync(out.bytes!).toString('utf8');
    expect(decoded).not.toContain('hunter2');
    expect(decoded.startsWith(`{"password":"${M}"`)).toBe(true);
  });

  it('drops an encoded JSON body it cannot decode, rather than store an unchecked secret', () => {
    const garbage = Buffer.from('this is not gzip but says "password":"hunter2"');
    const out = redactResponseBody({ json: ['/password'] }, [...JSON_HEADERS, ['content-encoding', 'gzip']], full(garbage));
    expect(out).toEqual({ bytes: null, size: garbage.length, truncated: true });
    const unknown = redactResponseBody({ json: ['/password'] }, [...JSON_HEADERS, ['content-encoding', 'zstd']], full(garbage));
    expect(unknown.bytes).toBeNull();
  });

  it('does nothing to bodies when no JSON pointer is configured', () => {
    const raw = Buffer.from('{"password":"p"}');
    expect(redactResponseBody({}, JSON_HEADERS, full(raw)).bytes).toBe(raw);
    expect(redactResponseBody({ json: ['/password'] }, JSON_HEADERS, full(Buffer.alloc(0))).bytes!.length).toBe(0);
    expect(redactResponseBody({ json: ['/password'] }, JSON_HEADERS, full(null)).bytes).toBeNull();
  });

  it('keeps failed exchanges (no response) intact', () => {
    const out = createRedactor(redactConfig({ json: ['/password'] })).redact(exchange({ headers: [['authorization', 'x']] }, null));
    expect(out.response).toBeNull();
    expect(out.request.headers).toEqual([['authorization', M]]);
  });
});
