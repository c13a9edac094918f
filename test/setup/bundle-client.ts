import path from 'node:path';
import { writeClientBundle } from '../../scripts/bundle-client.js';

/** vitest global setup: the report client bundle, for tests that render report.html from source. */
export default async function setup(): Promise<void> {
  await writeClientBundle(path.resolve(import.meta.dirname, '../../src/report/html'));
}
