import { Worker } from 'node:worker_threads';
import { isReplayguardError, reasonOf, ReplayguardError, type ErrorCode } from './errors.js';

/**
 * Start the worker thread module `name` (without extension) that sits next to the module at `here`
 * (its `import.meta.url`). From the build it is the `.js` file; from source (tests, tsx) the thread
 * needs the TypeScript loader registered before the module is imported.
 */
export function spawnThread(here: string, name: string, workerData: unknown): Worker {
  if (here.endsWith('.ts')) {
    const api = import.meta.resolve('tsx/esm/api');
    const target = new URL(`./${name}.ts`, here).href;
    const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(target)}); });`;
    return new Worker(code, { eval: true, workerData });
  }
  return new Worker(new URL(`./${name}.js`, here), { workerData });
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
