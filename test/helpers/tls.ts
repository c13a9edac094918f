import { X509Certificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, request as httpsRequest, type Agent as HttpsAgent, type Server } from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { generate } from 'selfsigned';
import { afterEach } from 'vitest';
import { tempDir } from './temp.js';

/** PEM text and the file it was written to. */
export interface PemFile {
  pem: string;
  file: string;
}

type Leaf = { cert: PemFile; key: PemFile; fingerprint: string };

export interface TestPki {
  dir: string;
  ca: { cert: PemFile; key: PemFile };
  /** Issue a leaf certificate signed by the CA (server: SAN 127.0.0.1 and localhost). */
  issue(name: string): Promise<{ cert: PemFile; key: PemFile; fingerprint: string }>;
  /** Write text to a file in the PKI folder (a garbage or renewed file). */
  write(name: string, text: string): string;
}

const leafExtensions = [
  { name: 'basicConstraints' as const, cA: false },
  { name: 'keyUsage' as const, digitalSignature: true, keyEncipherment: true },
  { name: 'extKeyUsage' as const, serverAuth: true, clientAuth: true },
  { name: 'subjectAltName' as const, altNames: [{ type: 2 as const, value: 'localhost' }, { type: 7 as const, ip: '127.0.0.1' }] },
];

/**
 * A private CA made for one test (EC keys: fast to generate), issuing server and client
 * certificates, every PEM also written to a temp folder for the file flags.
 */
export async function createTestPki(caName = 'replayguard test CA'): Promise<TestPki> {
  const dir = tempDir('rg-pki-');
  const write = (name: string, text: string): string => {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    return file;
  };
  const ca = await generate([{ name: 'commonName', value: caName }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const caSlug = caName.replace(/\W+/g, '-');
  return {
    dir,
    ca: { cert: { pem: ca.cert, file: write(`${caSlug}.crt`, ca.cert) }, key: { pem: ca.private, file: write(`${caSlug}.key`, ca.private) } },
    async issue(name) {
      const leaf = await generate([{ name: 'commonName', value: name }], { keyType: 'ec', algorithm: 'sha256', extensions: leafExtensions, ca: { key: ca.private, cert: ca.cert } });
      return { cert: { pem: leaf.cert, file: write(`${name}.crt`, leaf.cert) }, key: { pem: leaf.private, file: write(`${name}.key`, leaf.private) }, fingerprint: leaf.fingerprint };
    },
    write,
  };
}

/** One GET over a keep-alive https agent: the answer and the certificate the socket was given. */
export function getOver(agent: HttpsAgent, url: string): Promise<{ status: number; body: string; fingerprint256: string; reused: boolean }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { agent }, (res) => {
      // Read while the socket is attached: at 'end' a keep-alive socket is back in the agent's pool.
      const fingerprint256 = (res.socket as TLSSocket).getPeerCertificate().fingerprint256;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), fingerprint256, reused: req.reusedSocket }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A CA, the certificate served first, its renewal, and the live files that hold the first for now. */
export async function renewal(): Promise<{ pki: TestPki; first: Leaf; renewed: Leaf; certFile: string; keyFile: string; fp: (pem: string) => string }> {
  const pki = await createTestPki();
  const first = await pki.issue('first');
  const renewed = await pki.issue('renewed');
  const certFile = pki.write('live.crt', first.cert.pem);
  const keyFile = pki.write('live.key', first.key.pem);
  const fp = (pem: string): string => new X509Certificate(pem).fingerprint256;
  return { pki, first, renewed, certFile, keyFile, fp };
}

const open: Server[] = [];

/**
 * An https upstream on 127.0.0.1:0 serving `cert`; with `clientCa` it demands a client certificate
 * signed by that CA (mutual TLS). Answers with `handler`.
 */
export async function startHttpsServer(
  tls: { cert: string; key: string; clientCa?: string },
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ url: string; server: Server }> {
  const server = createServer(
    { cert: tls.cert, key: tls.key, ...(tls.clientCa ? { ca: tls.clientCa, requestCert: true, rejectUnauthorized: true } : {}) },
    handler,
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  open.push(server);
  return { url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

afterEach(async () => {
  await Promise.all(
    open.splice(0).map(
      (s) =>
        new Promise<void>((resolve) => {
          s.closeAllConnections();
          s.close(() => resolve());
        }),
    ),
  );
});
