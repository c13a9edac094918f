import type { Command } from 'commander';
import { isReplayguardError, reasonOf, ReplayguardError } from '../errors.js';
import type { CliIo } from './cli-io.js';
import { collect } from './parse-values.js';

/** The client-side TLS flags `record` (towards its upstream) and `replay` (towards targets) share. */
export interface ClientTlsFlags {
  ca?: string[];
  clientCert?: string;
  clientKey?: string;
  insecure?: boolean;
}

export function clientTlsOptions(command: Command, towards: string): Command {
  return command
    .option('--ca <file>', `PEM file of a CA trusted for ${towards}, besides the system ones (repeatable)`, collect)
    .option('--client-cert <file>', `client certificate (PEM) presented to ${towards} for mutual TLS`)
    .option('--client-key <file>', 'private key (PEM) of --client-cert')
    .option('--insecure', `accept any certificate from ${towards} (throwaway test setups only)`);
}

/** Flags as a config block: only what was given, so the file's values stay where no flag is set. */
export function clientTlsOverrides(flags: ClientTlsFlags): { ca?: string[]; cert?: string; key?: string; insecure?: boolean } {
  return { ca: flags.ca, cert: flags.clientCert, key: flags.clientKey, insecure: flags.insecure };
}

/** The listener's TLS flags (`record`, `stub`). */
export interface ServerTlsFlags {
  tlsCert?: string;
  tlsKey?: string;
}

export function serverTlsOptions(command: Command): Command {
  return command
    .option('--tls-cert <file>', 'listen with TLS, serving this PEM certificate (reloaded on SIGHUP)')
    .option('--tls-key <file>', 'private key (PEM) of --tls-cert');
}

/** `--tls-cert` and `--tls-key` come together. */
export function serverTlsOverride(flags: ServerTlsFlags, command: string): { cert: string; key: string } | undefined {
  if (flags.tlsCert === undefined && flags.tlsKey === undefined) return undefined;
  if (flags.tlsCert === undefined || flags.tlsKey === undefined) {
    throw new ReplayguardError('RG_ERR_USAGE', { details: `--tls-cert and --tls-key go together (got only ${flags.tlsCert === undefined ? '--tls-key' : '--tls-cert'})`, command });
  }
  return { cert: flags.tlsCert, key: flags.tlsKey };
}

/**
 * SIGHUP: a renewed certificate is served to new connections; open ones keep working. A bad file
 * keeps the old certificate and says why. Only with TLS: otherwise SIGHUP keeps its default (a closed
 * terminal stops the process).
 */
export function reloadTlsOnSighup(io: CliIo, command: string, reload: () => void): void {
  io.onSignal('SIGHUP', () => {
    try {
      reload();
      io.err(`replayguard ${command}: SIGHUP: TLS certificate reloaded`);
    } catch (e) {
      io.err(`replayguard ${command}: SIGHUP: kept the current certificate: ${isReplayguardError(e) ? e.describe() : reasonOf(e)}`);
    }
  });
}
