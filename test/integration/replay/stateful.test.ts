import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { startTestRecorder } from '../../helpers/recorder.js';
import { replayRecorded } from '../../helpers/replay.js';
import { startServer } from '../../helpers/servers.js';
import { tempDir } from '../../helpers/temp.js';

/** A small stateful API: things with server-made UUIDs, owned by a user id the client sends. */
function thingsApi() {
  const things = new Map<string, { id: string; name: string; ownerId: string }>();
  return startServer((req, res) => {
    const send = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    const m = /^\/things(?:\/([^/?]+))?(?:\?.*)?$/.exec(req.url ?? '');
    if (!m) return send(404, { error: 'no route' });
    const query = new URL(req.url ?? '/', 'http://x').searchParams;
    const id = m[1] ? decodeURIComponent(m[1]) : (query.get('id') ?? undefined);
    if (req.method === 'POST' && !id) {
      const input = JSON.parse(req.body.toString()) as { name: string; ownerId: string };
      const thing = { id: randomUUID(), name: input.name, ownerId: input.ownerId };
      things.set(thing.id, thing);
      return send(201, thing, { location: `/things/${thing.id}` });
    }
    const thing = id ? things.get(id) : undefined;
    if (!thing) return send(404, { error: 'not found' });
    if (req.method === 'GET') return send(200, thing);
    if (req.method === 'PUT') {
      thing.name = (JSON.parse(req.body.toString()) as { name: string }).name;
      return send(200, thing);
    }
    if (req.method === 'DELETE') {
      things.delete(thing.id);
      return send(204);
    }
    return send(405, { error: 'method' });
  });
}

async function recordFlow(upstream: string): Promise<string> {
  const dbFile = path.join(tempDir(), 'rec.db');
  const rec = await startTestRecorder(upstream, { db: dbFile });
  const call = async (method: string, p: string, body?: unknown) => {
    const r = await request(rec.url + p, { method: method as 'GET', headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
    const text = await r.body.text();
    return text ? (JSON.parse(text) as { id: string }) : null;
  };
  const created = await call('POST', '/things', { name: 'lamp', ownerId: 'user-000042' });
  await call('GET', `/things/${created!.id}`);
  await call('GET', `/things?id=${created!.id}&x=1`);
  await call('PUT', `/things/${created!.id}`, { name: 'desk lamp', id: created!.id });
  await call('GET', `/things/${created!.id}`);
  await call('DELETE', `/things/${created!.id}`);
  await call('GET', `/things/${created!.id}`);
  await rec.close();
  return dbFile;
}

describe('stateful replay', () => {
  it('carries the ids the candidate creates into later requests, and reads them back as the recorded ones', async () => {
    const dbFile = await recordFlow((await thingsApi()).url);
    const candidate = await thingsApi();
    const run = await replayRecorded(dbFile, candidate.url);
    expect(run.results.map((r) => `${r.method} ${r.verdict}`)).toEqual([
      'POST pass', 'GET pass', 'GET pass', 'PUT pass', 'GET pass', 'DELETE pass', 'GET pass',
    ]);
    expect(run.outcome.exitCode).toBe(0);
    // The candidate really was asked for its own id, not the recorded one.
    const recordedId = run.results[1]!.url.split('/')[2]!;
    const newId = candidate.seen[1]!.url.split('/')[2]!;
    expect(newId).toMatch(/^[0-9a-f-]{36}$/);
    expect(newId).not.toBe(recordedId);
    expect(candidate.seen.slice(1).map((s) => s.url)).toEqual([
      `/things/${newId}`, `/things?id=${newId}&x=1`, `/things/${newId}`, `/things/${newId}`, `/things/${newId}`, `/things/${newId}`,
    ]);
    // …and the JSON body of the PUT carried the new id too.
    expect(JSON.parse(candidate.seen[3]!.body.toString())).toEqual({ name: 'desk lamp', id: newId });
  });

  it('without it, the recorded ids reach the candidate and every later exchange is a regression', async () => {
    const dbFile = await recordFlow((await thingsApi()).url);
    const candidate = await thingsApi();
    const run = await replayRecorded(dbFile, candidate.url, { overrides: { replay: { stateful: false } } });
    expect(run.outcome.exitCode).toBe(1);
    expect(run.results.filter((r) => r.verdict === 'regression').map((r) => r.method)).toEqual(['POST', 'GET', 'GET', 'PUT', 'GET', 'DELETE']);
  });

  it('does not map references: a candidate that returns the wrong owner is still caught', async () => {
    const dbFile = await recordFlow((await thingsApi()).url);
    const broken = await startServer((req, res) => {
      // Creates things like the real API but reports a different owner id.
      res.writeHead(req.method === 'POST' ? 201 : 404, { 'content-type': 'application/json' });
      res.end(req.method === 'POST' ? JSON.stringify({ id: randomUUID(), name: 'lamp', ownerId: 'user-999999' }) : '{"error":"not found"}');
    });
    const run = await replayRecorded(dbFile, broken.url);
    const post = run.results[0]!;
    expect(post.verdict).toBe('regression');
    expect(post.comparison!.differences.map((d) => d.path)).toContain('/ownerId');
    expect(post.comparison!.differences.map((d) => d.path)).not.toContain('/id');
  });
});
