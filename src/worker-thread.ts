import { Worker } from 'node:worker_threads';
import { isReplayguardError, reasonOf, ReplayguardError, type ErrorCode } from './errors.js';

/**
 * The module `name` (without extension) that sits next to the module at `here` (its
 * `import.meta.url`), for a thread or a process to run: from the build the `.js` file; from source
 * (tests, tsx) the `.ts` one, which needs the TypeScript loader registered before it is imported.
 */
export function siblingModule(here: string, name: string): { url: URL; fromSource: boolean } {
  const fromSource = here.endsWith('.ts');
  return { url: new URL(`./${name}.${fromSource ? 'ts' : 'js'}`, here), fromSource };
}

/** Start the worker thread module `name` that sits next to the module at `here` (see siblingModule). */
export function spawnThread(here: string, name: string, workerData: unknown): Worker {
  const { url, fromSource } = siblingModule(here, name);
  if (fromSource) {
    const api = import.meta.resolve('tsx/esm/api');
    const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); });`;
    return new Worker(code, { eval: true, workerData });
  }
  return new Worker(url, { workerData });
}

/** An error flattened for a message to or from a thread or process (class identity does not survive the clone). */
export interface SerializedError {
  code?: string;
  params?: Record<string, unknown>;
  message: string;
}

export function serializeError(e: unknown): SerializedError {
  return isReplayguardError(e) ? { code: e.code, params: e.params, message: e.message } : { message: reasonOf(e) };
}

/** The catalogue error a thread met, as it was; otherwise `fallback(message)`. */
export function deserializeError(e: SerializedError, fallback: (reason: string) => ReplayguardError): ReplayguardError {
  return e.code ? new ReplayguardError(e.code as ErrorCode, e.params ?? {}) : fallback(e.message);
}
