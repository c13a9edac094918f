import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { readExchanges, startTestRecorder } from '../../helpers/recorder.js';
import { startServer } from '../../helpers/servers.js';

/**
 * An upstream that, like a package registry, answers with absolute links built from the host it
 * believes it is serving (X-Forwarded-Host when present, else Host) and the scheme it was reached by.
 */
async function linkBuildingApp() {
  return startServer((req, res) => {
    const xfh = req.headers['x-forwarded-host'];
    const host = (typeof xfh === 'string' ? xfh.split(',')[0]!.trim() : undefined) ?? req.headers.host;
    const xfp = req.headers['x-forwarded-proto'];
    const proto = typeof xfp === 'string' ? xfp.split(',')[0]!.trim() : 'http';
    const path = (req.url ?? '').split('?')[0];
    res.writeHead(200, { 'content-type': 'application/json' });
    if (path === '/pkg') res.end(JSON.stringify({ tarball: `${proto}://${host}/pkg/-/pkg-1.0.0.tgz` }));
    else res.end(JSON.stringify({ file: path }));
  });
}

describe('forwarding like a reverse proxy', () => {
  it('adds X-Forwarded-For/-Host/-Proto, so absolute links built by the upstream keep clients on the proxy', async () => {
    const up = await linkBuildingApp();
    const rec = await startTestRecorder(up.url);
    const proxyHost = new URL(rec.url).host;

    const meta = (await (await request(`${rec.url}/pkg`)).body.json()) as { tarball: string };
    expect(new URL(meta.tarball).host).toBe(proxyHost);
    // The client follows the link: it goes through the proxy, so it is recorded too.
    const tar = await request(meta.tarball);
    expect(await tar.body.json()).toEqual({ file: '/pkg/-/pkg-1.0.0.tgz' });

    const first = up.seen[0]!;
    expect(first.headers.host).toBe(new URL(up.url).host);
    expect(first.headers['x-forwarded-host']).toBe(proxyHost);
    expect(first.headers['x-forwarded-proto']).toBe('http');
    expect(first.headers['x-forwarded-for']).toMatch(/^(::ffff:)?127\.0\.0\.1$/);

    await rec.drain();
    const stored = await readExchanges(rec.dbFile);
    expect(stored.map((e) => e.request.url)).toEqual(['/pkg', '/pkg/-/pkg-1.0.0.tgz']);
    // The recording keeps what the client sent, not what the proxy added.
    expect(stored[0]!.request.headers.some(([k]) => k.toLowerCase().startsWith('x-forwarded-'))).toBe(false);
  });

  it('appends to X-Forwarded-* set by an earlier proxy instead of replacing them', async () => {
    const up = await linkBuildingApp();
    const rec = await startTestRecorder(up.url);
    await request(`${rec.url}/x`, { headers: { 'x-forwarded-for': '203.0.113.7', 'x-forwarded-host': 'public.example', 'x-forwarded-proto': 'https' } }).then((r) => r.body.dump());
    const h = up.seen[0]!.headers;
    expect(h['x-forwarded-for']).toMatch(/^203\.0\.113\.7, (::ffff:)?127\.0\.0\.1$/);
    expect(h['x-forwarded-host']).toBe(`public.example, ${new URL(rec.url).host}`);
    expect(h['x-forwarded-proto']).toBe('https, http');
  });

  it('with record.preserveHost the upstream sees the client\'s Host', async () => {
    const up = await linkBuildingApp();
    const rec = await startTestRecorder(up.url, { record: { preserveHost: true } });
    await request(`${rec.url}/x`, { headers: { host: 'shop.example:8443' } }).then((r) => r.body.dump());
    await request(`${rec.url}/y`).then((r) => r.body.dump());
    expect(up.seen.map((s) => s.headers.host)).toEqual(['shop.example:8443', new URL(rec.url).host]);
    expect(up.seen[0]!.headers['x-forwarded-host']).toBe('shop.example:8443');
  });
});
