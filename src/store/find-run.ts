import { ReplayguardError } from '../errors.js';
import type { ResultsStore, StoredRun } from './store.js';

/** A run by id or `latest`, or RG_ERR_RUN_NOT_FOUND naming the store. */
export async function findRun(store: ResultsStore, ref: string): Promise<StoredRun> {
  const found = await store.findRun(ref);
  if (!found) throw new ReplayguardError('RG_ERR_RUN_NOT_FOUND', { run: ref, file: store.location });
  return found;
}

/** A run that finished (its summary was written): what `report` and `noise` read. */
export async function findFinishedRun(store: ResultsStore, ref: string): Promise<StoredRun & { summary: NonNullable<StoredRun['summary']> }> {
  const found = await findRun(store, ref);
  if (!found.summary) throw new ReplayguardError('RG_ERR_RUN_NOT_FOUND', { run: `${found.run.id} (it did not finish)`, file: store.location });
  return { ...found, summary: found.summary };
}
