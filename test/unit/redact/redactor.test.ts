import { brotliCompressSync, brotliDecompressSync, constants, gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../src/config/resolve-config.js';
import type { RedactConfig } from '../../../src/config/schema.js';
import { isPlaceholder, placeholderOf } from '../../../src/redact/placeholder.js';
import { createRedactor, type Redactor } from '../../../src/redact/redactor.js';
import { DEFAULT_REDACTED_HEADERS, normalizeKey } from '../../../src/redact/secret-rules.js';
import type { Capture, HeaderPairs, StoredBody } from '../../../src/types.js';

const KEY = Buffer.from('test-key-0123456789abcdef');
const P = (value: string): string => placeholderOf(KEY, value);

function redactor(over: Partial<RedactConfig> = {}, maxDecodedBytes = 32 * 1024 * 1024): Redactor {
  return createRedactor({ config: defaultConfig({ redact: over }).redact, key: KEY, maxDecodedBytes });
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

const JSON_HEADERS: HeaderPairs = [['content-type', 'application/json; charset=utf-8']];
const responseBody = (r: Redactor, headers: HeaderPairs, body: StoredBody): StoredBody => r.redact(exchange({}, { headers, body })).response!.body;
const text = (b: StoredBody): string => b.bytes!.toString('utf8');

describe('placeholders', () => {
  it('are [REDACTED:<8 hex of HMAC-SHA256>], equal for equal values, different across keys', () => {
    expect(P('hunter2')).toMatch(/^\[REDACTED:[0-9a-f]{8}\]$/);
    expect(P('hunter2')).toBe(P('hunter2'));
    expect(P('hunter2')).not.toBe(P('hunter3'));
    expect(placeholderOf(Buffer.from('another key, also long'), 'hunter2')).not.toBe(P('hunter2'));
    expect(isPlaceholder(P('x'))).toBe(true);
    expect(isPlaceholder('[REDACTED]')).toBe(false);
  });

  it('normalizes keys: case, _ and -, bracket forms', () => {
    expect(['API_KEY', 'apiKey', 'api-key', 'api_key[]', 'user[api_key]', 'api_key[][]'].map(normalizeKey)).toEqual(Array(6).fill('apikey'));
  });
});

describe('credential headers', () => {
  it('keep their shape: the scheme of Authorization, cookie names and set-cookie attributes', () => {
    const out = redactor().redact(
      exchange(
        { headers: [['Authorization', 'Bearer tok-123456'], ['Accept', 'a/b'], ['COOKIE', 'sid=s2-abcdef; theme=dark'], ['x-api-key', 's3'], ['Proxy-Authorization', 'Basic czQ6czQ=']] },
        { headers: [['Set-Cookie', 'sid=s5-abcdef; Path=/; HttpOnly'], ['Content-Type', 'text/plain']] },
      ),
    );
    expect(out.request.headers).toEqual([
      ['Authorization', `Bearer ${P('tok-123456')}`],
      ['Accept', 'a/b'],
      ['COOKIE', `sid=${P('s2-abcdef')}; theme=${P('dark')}`],
      ['x-api-key', P('s3')],
      ['Proxy-Authorization', `Basic ${P('czQ6czQ=')}`],
    ]);
    expect(out.response!.headers).toEqual([['Set-Cookie', `sid=${P('s5-abcdef')}; Path=/; HttpOnly`], ['Content-Type', 'text/plain']]);
    expect([...DEFAULT_REDACTED_HEADERS].sort()).toEqual(['authorization', 'cookie', 'proxy-authorization', 'set-cookie', 'x-api-key']);
  });

  it('adds configured header names; defaults can be turned off', () => {
    const out = redactor({ headers: ['X-Internal-Token'] }).redact(exchange({ headers: [['x-internal-token', 't'], ['x-other', 'o']] }));
    expect(out.request.headers).toEqual([['x-internal-token', P('t')], ['x-other', 'o']]);
    const off = redactor({ defaults: false, headers: ['x-secret'] }).redact(exchange({ headers: [['authorization', 'a'], ['x-secret', 's']] }, { headers: JSON_HEADERS, body: full('{"password":"p"}') }));
    expect(off.request.headers).toEqual([['authorization', 'a'], ['x-secret', P('s')]]);
    expect(text(off.response!.body)).toBe('{"password":"p"}');
  });

  it('does not modify its input', () => {
    const input = exchange({ url: '/x?token=1', headers: [['authorization', 'a']] });
    const copy = structuredClone(input);
    redactor().redact(input);
    expect(input).toEqual(copy);
  });
});

describe('query parameters', () => {
  const r = redactor({ query: ['sig', 'api key'] });
  it.each([
    ['/x?token=abc', `/x?token=${P('abc')}`],
    ['/x?a=1&token=abc&b=2', `/x?a=1&token=${P('abc')}&b=2`],
    ['/x?TOKEN=abc&Access_Token=def', `/x?TOKEN=${P('abc')}&Access_Token=${P('def')}`],
    ['/x?%74oken=abc', `/x?%74oken=${P('abc')}`],
    ['/x?api+key=abc', `/x?api+key=${P('abc')}`],
    ['/x?api_key[]=k1&api_key[]=k2', `/x?api_key[]=${P('k1')}&api_key[]=${P('k2')}`],
    ['/x?api_key%5B%5D=k1', `/x?api_key%5B%5D=${P('k1')}`],
    ['/x?sig=abc', `/x?sig=${P('abc')}`],
    ['/x?tokens=abc&mytoken=1&token', '/x?tokens=abc&mytoken=1&token'],
    ['/x?%zz=1&token=2', `/x?%zz=1&token=${P('2')}`],
    ['/token/abc', '/token/abc'],
  ])('%s → %s', (url, expected) => {
    expect(r.redact(exchange({ url })).request.url).toBe(expected);
  });
});

describe('bodies', () => {
  const login = { user: 'ada', Password: 'hunter2', profile: { accessToken: 'at-1234567', nested: { client_secret: 'cs-1234567', keep: 'k' } }, list: [{ token: 'tk-1234567', ssn: '111' }] };

  it('redact the default secret keys at any depth, case-insensitively, keeping everything else byte for byte', () => {
    const raw = JSON.stringify(login, null, 2);
    const out = text(responseBody(redactor(), JSON_HEADERS, full(raw)));
    expect(JSON.parse(out)).toEqual({
      user: 'ada',
      Password: P('hunter2'),
      profile: { accessToken: P('at-1234567'), nested: { client_secret: P('cs-1234567'), keep: 'k' } },
      list: [{ token: P('tk-1234567'), ssn: '111' }],
    });
    expect(out.split('\n').length).toBe(raw.split('\n').length);
  });

  it('redact everything inside a secret object, and configured pointers; keep booleans and nulls', () => {
    const r = redactor({ json: ['/list/*/ssn'], keys: ['pin'] });
    const out = responseBody(r, JSON_HEADERS, full(JSON.stringify({ session: { id: 'sess-abcdef', n: 42, ok: true }, token: null, pin: 1234, list: [{ ssn: '111' }] })));
    expect(JSON.parse(text(out))).toEqual({ session: { id: P('sess-abcdef'), n: P('42'), ok: true }, token: null, pin: P('1234'), list: [{ ssn: P('111') }] });
  });

  it('keep the exact bytes of a body with nothing to redact', () => {
    const raw = Buffer.from('{ "user" :  "ada",\n  "n": 1.50 }');
    expect(responseBody(redactor(), JSON_HEADERS, full(raw)).bytes).toBe(raw);
  });

  it('recognise JSON by +json types, by a leading brace without a type, after a UTF-8 BOM', () => {
    expect(text(responseBody(redactor(), [['content-type', 'application/problem+json']], full('{"password":"p"}')))).toBe(`{"password":"${P('p')}"}`);
    expect(text(responseBody(redactor(), [], full('  [{"password":"p"}]')))).toBe(`  [{"password":"${P('p')}"}]`);
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"password":"bom-secret"}')]);
    const out = responseBody(redactor(), [], full(bom));
    expect(out.bytes!.includes('bom-secret')).toBe(false);
    expect(out.bytes!.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  });

  it('redact form bodies by field name', () => {
    const out = redactor().redact(exchange({ headers: [['content-type', 'application/x-www-form-urlencoded']], body: full('username=ada&password=hunter+2%21&client_secret=cs') }));
    expect(text(out.request.body)).toBe(`username=ada&password=${P('hunter 2!')}&client_secret=${P('cs')}`);
  });

  it('match escaped keys, in a body cut by the size cap, up to its last byte', () => {
    const raw = '{"id":1,"pass\\u0077ord":"escaped-secret","pad":"xx","tok\\u0065n":"cut-in-the-middle-of-this';
    const out = responseBody(redactor(), JSON_HEADERS, { bytes: Buffer.from(raw), size: raw.length + 500, truncated: true });
    const stored = text(out);
    expect(stored).not.toContain('escaped-secret');
    expect(stored).not.toContain('cut-in-the');
    expect(stored).toContain(`"pass\\u0077ord":"${P('escaped-secret')}"`);
    expect(out).toMatchObject({ size: raw.length + 500, truncated: true });
  });

  it('cope with invalid JSON, numbers and escaped quotes', () => {
    const out = responseBody(redactor({ keys: ['pin'] }), JSON_HEADERS, full('{"password": "a\\"b", "pin": 1234, oops}'));
    expect(text(out)).toBe(`{"password": "${P('a"b')}", "pin": "${P('1234')}", oops}`);
  });

  it('decode gzip, redact and store valid gzip again; br and stacked encodings too', () => {
    const doc = JSON.stringify({ password: 'hunter2', keep: 1 });
    const gz = responseBody(redactor(), [...JSON_HEADERS, ['Content-Encoding', 'gzip']], full(gzipSync(doc)));
    expect(JSON.parse(gunzipSync(gz.bytes!).toString())).toEqual({ password: P('hunter2'), keep: 1 });
    expect(gz.size).toBe(gz.bytes!.length);
    const br = responseBody(redactor(), [...JSON_HEADERS, ['content-encoding', 'br']], full(brotliCompressSync(doc)));
    expect(JSON.parse(brotliDecompressSync(br.bytes!).toString())).toEqual({ password: P('hunter2'), keep: 1 });
    const stacked = responseBody(redactor(), [...JSON_HEADERS, ['content-encoding', 'gzip, br']], full(brotliCompressSync(gzipSync(doc))));
    expect(JSON.parse(gunzipSync(brotliDecompressSync(stacked.bytes!)).toString())).toEqual({ password: P('hunter2'), keep: 1 });
  });

  it('store a truncated gzip body as the re-encoded part that was checked', () => {
    const pad = Array.from({ length: 4000 }, (_, i) => ((i * 2654435761) >>> 0).toString(36)).join('');
    const gz = gzipSync(JSON.stringify({ password: 'hunter2', pad }));
    const head = gz.subarray(0, Math.floor(gz.length / 2));
    expect(gunzipSync(head, { finishFlush: constants.Z_SYNC_FLUSH }).toString()).toContain('hunter2');
    const out = responseBody(redactor(), [...JSON_HEADERS, ['content-encoding', 'gzip']], { bytes: head, size: gz.length, truncated: true });
    expect(out).toMatchObject({ size: gz.length, truncated: true });
    const decoded = gunzipSync(out.bytes!, { finishFlush: constants.Z_SYNC_FLUSH }).toString('utf8');
    expect(decoded).not.toContain('hunter2');
    expect(decoded.startsWith(`{"password":"${P('hunter2')}"`)).toBe(true);
  });

  it('withhold a compressed body that decodes past the cap (the secret lies beyond it), or cannot be decoded', () => {
    const doc = JSON.stringify({ pad: 'a'.repeat(200_000), password: 'beyond-the-cap' });
    const gz = gzipSync(doc);
    const out = responseBody(redactor({}, 64 * 1024), [...JSON_HEADERS, ['content-encoding', 'gzip']], full(gz));
    expect(out).toEqual({ bytes: null, size: gz.length, truncated: true });
    const garbage = Buffer.from('not gzip "password":"hunter2"');
    expect(responseBody(redactor(), [...JSON_HEADERS, ['content-encoding', 'gzip']], full(garbage))).toEqual({ bytes: null, size: garbage.length, truncated: true });
    expect(responseBody(redactor(), [['content-encoding', 'zstd']], full(garbage)).bytes).toBeNull();
  });

  it('leave a body of another type alone until a secret is known that it could hide', () => {
    const r = redactor();
    const js = full(Buffer.from('opaque zstd bytes'));
    const headers: HeaderPairs = [['content-type', 'application/javascript'], ['content-encoding', 'zstd']];
    expect(responseBody(r, headers, js).bytes).toBe(js.bytes);
    r.remember('a-known-secret');
    expect(responseBody(r, headers, js)).toEqual({ bytes: null, size: js.size, truncated: true });
  });

  it('keep failed exchanges (no response) intact', () => {
    const out = redactor().redact(exchange({ headers: [['authorization', 'x']] }, null));
    expect(out.response).toBeNull();
    expect(out.request.headers).toEqual([['authorization', P('x')]]);
  });
});

describe('a value once redacted, wherever it appears later in the session', () => {
  it('follows a login token into paths, queries, other headers and any body, also percent- and JSON-encoded', () => {
    const r = redactor();
    const token = 'npm_Tok/en+4f9a2c81';
    const login = r.redact(exchange({ headers: JSON_HEADERS, body: full('{"name":"ada","password":"pw-hunter2"}') }, { headers: JSON_HEADERS, body: full(JSON.stringify({ token })) }));
    expect(text(login.response!.body)).toBe(`{"token":"${P(token)}"}`);
    const later = r.redact(
      exchange(
        { url: `/-/user/token/${encodeURIComponent(token)}?t=${encodeURIComponent(token)}`, headers: [['x-npm-session', `s ${token}`], ['referer', `/a/${token}`]], body: full(`raw ${token} and pw-hunter2`) },
        { headers: [['content-type', 'text/html']], body: full(gzipSync(`<a href="/t/${JSON.stringify(token).slice(1, -1)}">`)) },
      ),
    );
    expect(later.request.url).toBe(`/-/user/token/${P(token)}?t=${P(token)}`);
    expect(later.request.headers).toEqual([['x-npm-session', `s ${P(token)}`], ['referer', `/a/${P(token)}`]]);
    expect(text(later.request.body)).toBe(`raw ${P(token)} and ${P('pw-hunter2')}`);
    const html = r.redact(exchange({}, { headers: [['content-type', 'text/html'], ['content-encoding', 'gzip']], body: full(gzipSync(`<a href="/t/${token}">`)) }));
    expect(gunzipSync(html.response!.body.bytes!).toString()).toBe(`<a href="/t/${P(token)}">`);
  });

  it('does not spread short values (a 4-character password is redacted at its key only)', () => {
    const r = redactor();
    r.redact(exchange({ headers: JSON_HEADERS, body: full('{"password":"1234"}') }));
    expect(r.redact(exchange({ url: '/page/1234' })).request.url).toBe('/page/1234');
  });

  it('remembers values handed to it (credentials supplied at replay)', () => {
    const r = redactor();
    expect(r.remember('supplied-secret')).toBe(P('supplied-secret'));
    const [sent] = r.redactMessages([{ url: '/u/supplied-secret', headers: [], body: full(null) }]);
    expect(sent!.url).toBe(`/u/${P('supplied-secret')}`);
  });

  it('redacts a URL on its own (one forwarded but not recorded): learned secrets, and query values by name', () => {
    const r = redactor();
    r.redact(exchange({}, { headers: JSON_HEADERS, body: full('{"token":"tok3n.Kx9qZw"}') }));
    expect(r.redactUrl('/user/token/tok3n.Kx9qZw?access_token=q-secret-1&page=2')).toBe(`/user/token/${P('tok3n.Kx9qZw')}?access_token=${P('q-secret-1')}&page=2`);
    expect(r.redactUrl('/plain?page=2')).toBe('/plain?page=2');
  });
});

describe('bodies already found clean are not scanned again, and never skip a secret', () => {
  // A body large enough to be remembered, the same bytes every time, with room for a value.
  const doc = (value: string, key = 'note'): string => JSON.stringify({ items: Array.from({ length: 40 }, (_, i) => ({ id: i, name: `item-${i}` })), [key]: value });

  it('a repeated body comes back unchanged every time, answered from memory from its third sighting on', () => {
    const r = redactor();
    const body = full(doc('plain text value'));
    const outs = [1, 2, 3].map(() => responseBody(r, JSON_HEADERS, full(Buffer.from(body.bytes!))));
    for (const out of outs) expect(text(out)).toBe(doc('plain text value'));
    // Unchanged, so the body given is the body returned.
    const again = full(Buffer.from(body.bytes!));
    expect(responseBody(r, JSON_HEADERS, again)).toBe(again);
  });

  it('a secret learned after a body was found clean is replaced in that body when it comes back', () => {
    const r = redactor();
    const token = 'tok-learned-later-987654';
    const body = doc(`see ${token} here`);
    for (let i = 0; i < 3; i++) expect(text(responseBody(r, JSON_HEADERS, full(body)))).toContain(token);
    // The token becomes a known secret (a login response), then the same body is recorded again.
    r.redact(exchange({}, { headers: JSON_HEADERS, body: full(JSON.stringify({ token })) }));
    const out = text(responseBody(r, JSON_HEADERS, full(body)));
    expect(out).not.toContain(token);
    expect(out).toContain(P(token));
  });

  it('a body that differs from a remembered one only between the sampled bytes is scanned in full', () => {
    const r = redactor();
    const clean = doc('x'.repeat(40));
    for (let i = 0; i < 3; i++) responseBody(r, JSON_HEADERS, full(clean));
    // Same length, a secret key in place of a name; every position is tried so that some variants
    // share the remembered body's sampled bytes and differ only where the samples do not look.
    const at = clean.indexOf('"name":"item-');
    let variants = 0;
    for (let k = at; k !== -1; k = clean.indexOf('"name":"item-', k + 1)) {
      const end = clean.indexOf('"', k + 8) + 1;
      const len = end - k;
      const secret = `"token":"${'s'.repeat(len - 10)}"`;
      const variant = clean.slice(0, k) + secret + clean.slice(end);
      expect(variant.length).toBe(clean.length);
      const out = text(responseBody(r, JSON_HEADERS, full(variant)));
      expect(out).not.toContain(secret);
      variants++;
    }
    expect(variants).toBe(40);
  });

  it('the same bytes under another content type are judged for that type', () => {
    const r = redactor();
    // A secret known, so that bodies of any type are searched (and remembered when clean).
    r.redact(exchange({}, { headers: JSON_HEADERS, body: full(JSON.stringify({ token: 'known-secret-123456' })) }));
    const body = doc('aaaaaaaa', 'password');
    // As HTML the bytes hold no known secret: stored as they are, and remembered as clean.
    for (let i = 0; i < 3; i++) expect(text(responseBody(r, [['content-type', 'text/html']], full(body)))).toBe(body);
    // As JSON the same bytes have a secret key.
    expect(text(responseBody(r, JSON_HEADERS, full(body)))).not.toContain('"password":"aaaaaaaa"');
  });
});
