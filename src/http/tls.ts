import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import path from 'node:path';
import { createSecureContext, rootCertificates, type ConnectionOptions } from 'node:tls';
import { ReplayguardError, reasonOf } from '../errors.js';

/**
 * TLS material, read and checked once at the edge: the certificate a listener serves (the recorder,
 * reloaded on SIGHUP) and what a client trusts and presents when it calls an https upstream or
 * target (a private CA, a client certificate for mutual TLS, or no verification when asked).
 * A file that is missing, not PEM, or a key that does not belong to its certificate is a catalogue
 * error naming the flag, found at startup instead of at the first handshake.
 */

/** Files of the certificate a listener serves. */
export interface ServerTlsFiles {
  cert: string;
  key: string;
}

export interface ServerTlsMaterial {
  cert: Buffer;
  key: Buffer;
}

/** What a client trusts and presents (the `record.upstreamTls` / `replay.tls` config blocks). */
export interface ClientTlsConfig {
  /** PEM files of CAs trusted besides the system's. */
  ca: readonly string[];
  /** Client certificate (PEM) for mutual TLS. */
  cert?: string | undefined;
  /** Its private key (PEM). */
  key?: string | undefined;
  /** Accept any certificate (tests only). */
  insecure: boolean;
}

/** Flag names per role, so an error names the flag the user passed. */
interface FlagNames {
  cert: string;
  key: string;
  ca?: string;
}

const SERVER_FLAGS: FlagNames = { cert: '--tls-cert', key: '--tls-key' };
const CLIENT_FLAGS: FlagNames = { cert: '--client-cert', key: '--client-key', ca: '--ca' };

function readPem(file: string, what: string, flag: string, cwd: string): Buffer {
  const full = path.resolve(cwd, file);
  try {
    return readFileSync(full);
  } catch (e) {
    throw new ReplayguardError('RG_ERR_TLS_FILE', { what, file: full, flag, reason: reasonOf(e) }, { cause: e });
  }
}

/** A certificate and its key must form a usable pair; OpenSSL says why not (no PEM, key mismatch). */
function checkPair(cert: Buffer, key: Buffer, files: { cert: string; key: string }, flags: FlagNames): void {
  try {
    createSecureContext({ cert, key });
  } catch (e) {
    throw new ReplayguardError(
      'RG_ERR_TLS_INVALID',
      { what: 'certificate and key', file: `${files.cert} and ${files.key}`, reason: reasonOf(e), fix: `pass a PEM certificate with ${flags.cert} and the PEM private key it was issued for with ${flags.key}` },
      { cause: e },
    );
  }
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Every certificate in a CA bundle must parse: OpenSSL silently skips garbage in `ca`. */
function checkCaBundle(pem: Buffer, file: string, flag: string): void {
  const blocks = pem.toString('latin1').match(PEM_CERT) ?? [];
  const fix = `${flag} needs a PEM file holding the CA certificate(s) that signed the server's certificate (-----BEGIN CERTIFICATE----- blocks)`;
  if (blocks.length === 0) throw new ReplayguardError('RG_ERR_TLS_INVALID', { what: 'CA bundle', file, reason: 'no PEM certificate in it', fix });
  for (const block of blocks) {
    try {
      new X509Certificate(block);
    } catch (e) {
      throw new ReplayguardError('RG_ERR_TLS_INVALID', { what: 'CA bundle', file, reason: reasonOf(e), fix }, { cause: e });
    }
  }
}

/** The certificate and key a listener serves, read and checked (call again to reload them). */
export function loadServerTls(files: ServerTlsFiles, cwd = process.cwd()): ServerTlsMaterial {
  const cert = readPem(files.cert, 'certificate', SERVER_FLAGS.cert, cwd);
  const key = readPem(files.key, 'private key', SERVER_FLAGS.key, cwd);
  checkPair(cert, key, files, SERVER_FLAGS);
  return { cert, key };
}

/**
 * Connection options for undici's `connect` (and node:tls): the system CAs plus `--ca` (additive, as
 * NODE_EXTRA_CA_CERTS is: a private CA does not stop public ones from working), the client pair for
 * mutual TLS, and no verification only when `insecure` was asked for. Undefined when nothing is set,
 * so plain setups keep undici's defaults.
 */
export function clientTlsOptions(config: ClientTlsConfig, cwd = process.cwd()): ConnectionOptions | undefined {
  if (config.ca.length === 0 && !config.cert && !config.key && !config.insecure) return undefined;
  const options: ConnectionOptions = {};
  if (config.ca.length > 0) {
    const extra = config.ca.map((file) => {
      const pem = readPem(file, 'CA bundle', CLIENT_FLAGS.ca!, cwd);
      checkCaBundle(pem, path.resolve(cwd, file), CLIENT_FLAGS.ca!);
      return pem.toString('latin1');
    });
    options.ca = [...rootCertificates, ...extra];
  }
  if (config.cert || config.key) {
    if (!config.cert || !config.key) {
      throw new ReplayguardError('RG_ERR_TLS_INVALID', {
        what: 'client certificate',
        file: config.cert ?? config.key,
        reason: `${config.cert ? CLIENT_FLAGS.key : CLIENT_FLAGS.cert} is missing`,
        fix: `mutual TLS needs both ${CLIENT_FLAGS.cert} and ${CLIENT_FLAGS.key}`,
      });
    }
    options.cert = readPem(config.cert, 'client certificate', CLIENT_FLAGS.cert, cwd);
    options.key = readPem(config.key, 'client key', CLIENT_FLAGS.key, cwd);
    checkPair(options.cert, options.key, { cert: config.cert, key: config.key }, CLIENT_FLAGS);
  }
  if (config.insecure) options.rejectUnauthorized = false;
  return options;
}

/** Failure codes of a TLS handshake: the peer's certificate not trusted, or the handshake refused. */
const TLS_FAILURE = /^(CERT_|UNABLE_TO_|SELF_SIGNED_CERT|DEPTH_ZERO_SELF_SIGNED_CERT|ERR_TLS_|ERR_SSL_|EPROTO$|HOSTNAME_MISMATCH)/;

export function isTlsFailureCode(code: string): boolean {
  return TLS_FAILURE.test(code);
}

/** What to do about a failed handshake, for the 502 body and the replay error. */
export function tlsFailureHint(code: string): string {
  if (/^ERR_SSL_WRONG_VERSION_NUMBER|^EPROTO$/.test(code)) return 'the server does not speak TLS on that port: use http:// (or the https port)';
  if (/CERTIFICATE_REQUIRED|HANDSHAKE_FAILURE|ALERT_BAD_CERTIFICATE|UNKNOWN_CA/.test(code)) {
    return 'the server wants a client certificate it trusts: pass --client-cert FILE and --client-key FILE';
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return "the server's certificate does not name the host in the URL: use the name it was issued for";
  if (/EXPIRED|NOT_YET_VALID/.test(code)) return "the server's certificate is outside its validity period: renew it";
  return "the server's certificate is not signed by a CA this process trusts: pass --ca FILE with the CA that signed it (or --insecure for a throwaway test setup)";
}
