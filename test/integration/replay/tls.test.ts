import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { isReplayguardError } from '../../../src/errors.js';
import { gets, recordSession, replayRecorded } from '../../helpers/replay.js';
import { startServer } from '../../helpers/servers.js';
import { createTestPki, startHttpsServer } from '../../helpers/tls.js';
import { LOADED_MACHINE_MS } from '../../helpers/loaded-machine.js';

const answer = (req: { url?: string }, res: ServerResponse): void => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ url: req.url }));
};

describe('replay against https targets', () => {
  it('a target signed by a private CA stops the run clearly without --ca, and replays with it (and with mutual TLS)', async () => {
    const staging = await startServer(answer);
    const { dbFile } = await recordSession(staging.url, gets('/a', '/b', '/c', '/d', '/e', '/f'));
    const pki = await createTestPki();
    const leaf = await pki.issue('candidate');
    const client = await pki.issue('ci-client');
    const candidate = await startHttpsServer({ cert: leaf.cert.pem, key: leaf.key.pem }, answer);

    const refused = await replayRecorded(dbFile, candidate.url).then(
      () => null,
      (e: unknown) => e,
    );
    expect(isReplayguardError(refused) && refused.code).toBe('RG_ERR_TARGET_TLS');
    expect(isReplayguardError(refused) && refused.hint).toContain('--ca');

    const trusted = await replayRecorded(dbFile, candidate.url, { overrides: { replay: { tls: { ca: [pki.ca.cert.file] } } } });
    expect(trusted.outcome.exitCode).toBe(0);
    expect(trusted.results.map((r) => r.verdict)).toEqual(['pass', 'pass', 'pass', 'pass', 'pass', 'pass']);

    const mutual = await startHttpsServer({ cert: leaf.cert.pem, key: leaf.key.pem, clientCa: pki.ca.cert.pem }, answer);
    const noClientCert = await replayRecorded(dbFile, mutual.url, { overrides: { replay: { tls: { ca: [pki.ca.cert.file] } } } }).then(
      (r) => r.results.map((x) => x.verdict),
      (e: unknown) => (isReplayguardError(e) ? e.code : e),
    );
    // Under TLS 1.3 a refused client certificate can surface as a reset after the handshake: either
    // way nothing passes.
    expect(['RG_ERR_TARGET_TLS', 'RG_ERR_TARGET_UNREACHABLE', ['error', 'error', 'error', 'error', 'error', 'error']]).toContainEqual(noClientCert);
    const withClientCert = await replayRecorded(dbFile, mutual.url, { overrides: { replay: { tls: { ca: [pki.ca.cert.file], cert: client.cert.file, key: client.key.file } } } });
    expect(withClientCert.outcome.exitCode).toBe(0);
    expect(withClientCert.results.every((r) => r.verdict === 'pass')).toBe(true);
  }, LOADED_MACHINE_MS);
});
