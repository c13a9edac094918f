import { describe, expect, it } from 'vitest';
import { ReplayguardError } from '../../../src/errors.js';
import { StoreRetry } from '../../../src/record/store-retry.js';

const unreachable = () => new ReplayguardError('RG_ERR_DB_UNREACHABLE', { url: 'postgres://db', reason: 'ECONNREFUSED' });

/** A write that fails unreachable `failures` times, then succeeds; counts its attempts. */
function flaky(failures: number) {
  let attempts = 0;
  return {
    write: async () => {
      attempts++;
      if (attempts <= failures) throw unreachable();
      return 'stored';
    },
    attempts: () => attempts,
  };
}

describe('StoreRetry', () => {
  it('waits out an unreachable store, saying once when it goes and once when it is back', async () => {
    const said: string[] = [];
    const retry = new StoreRetry({ onDown: (r) => said.push(`down: ${r}`), onBack: () => said.push('back') });
    const w = flaky(3);
    expect(await retry.run(w.write, true)).toBe('stored');
    expect(w.attempts()).toBe(4);
    expect(said).toEqual(['down: cannot reach PostgreSQL at postgres://db: ECONNREFUSED', 'back']);
  });

  it('tries once when a retry could store twice, and never retries other errors', async () => {
    const retry = new StoreRetry();
    const w = flaky(1);
    await expect(retry.run(w.write, false)).rejects.toMatchObject({ code: 'RG_ERR_DB_UNREACHABLE' });
    expect(w.attempts()).toBe(1);
    let n = 0;
    await expect(retry.run(async () => {
      n++;
      throw new ReplayguardError('RG_ERR_SESSION_NOT_FOUND', { session: '#1', file: 'db' });
    }, true)).rejects.toMatchObject({ code: 'RG_ERR_SESSION_NOT_FOUND' });
    expect(n).toBe(1);
  });

  it('gives up at the shutdown deadline, set while it waits, and then tries nothing more while the store is down', async () => {
    const retry = new StoreRetry();
    const w = flaky(Number.POSITIVE_INFINITY);
    const pending = retry.run(w.write, true);
    await new Promise((r) => setTimeout(r, 350));
    retry.stopBy(Date.now());
    await expect(pending).rejects.toMatchObject({ code: 'RG_ERR_DB_UNREACHABLE' });
    const before = w.attempts();
    await expect(retry.run(w.write, true)).rejects.toMatchObject({ code: 'RG_ERR_DB_UNREACHABLE' });
    expect(w.attempts()).toBe(before);
  });
});
