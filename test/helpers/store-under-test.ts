import { afterEach, beforeEach } from 'vitest';
import { tempDir } from './temp.js';

interface Closable {
  close(): Promise<void>;
}

/** What a store contract suite does besides using the store: a second one, a restart. */
export interface StoreUnderTest<S> {
  /** Close the store and open it again on the same data, as a restarted process does; `use` gets it too. */
  reopen(): Promise<S>;
  /** A second store on the same data beside the first (another process); closed after the test. */
  another(): Promise<S>;
}

/**
 * The lifecycle every store contract suite shares, registered in the calling `describe`: before each
 * test a fresh store on a new temp folder (`makeStore(dir)`, which for a server backend names a
 * schema), handed to `use`; after it, every store opened is closed.
 */
export function storeUnderTest<S extends Closable>(prefix: string, makeStore: (dir: string) => Promise<S>, use: (store: S) => void): StoreUnderTest<S> {
  let dir = '';
  let current: S | undefined;
  const open: S[] = [];
  const openOne = async (): Promise<S> => {
    const s = await makeStore(dir);
    open.push(s);
    return s;
  };
  const setCurrent = (s: S): S => {
    current = s;
    use(s);
    return s;
  };

  beforeEach(async () => {
    dir = tempDir(prefix);
    setCurrent(await openOne());
  });

  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
    current = undefined;
  });

  return {
    async reopen() {
      await current?.close();
      return setCurrent(await openOne());
    },
    another: openOne,
  };
}

/** Every item of a store's stream, in order. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
