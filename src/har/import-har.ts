import { readFile } from 'node:fs/promises';
import type { Har } from 'har-format';
import type { Config } from '../config/schema.js';
import { ReplayguardError, reasonOf } from '../errors.js';
import { createRedactor } from '../redact/redactor.js';
import { loadRedactionKey, redactionKeyFile } from '../redact/redaction-key.js';
import { createRouteTemplater } from '../routes/route-template.js';
import { openRecordingStore, resolveLocation } from '../store/open-store.js';
import type { Capture, NewExchange, SessionInfo, StoredBody } from '../types/exchange.js';
import { entryToCapture } from './har-entry.js';

export interface ImportHarOptions {
  /** The HAR file. */
  file: string;
  /** Resolved configuration: `db`, `redact`, `routes.templates`, `record.maxBodyBytes`, `compare.maxDecodedBytes`. */
  config: Readonly<Config>;
  /** Session to import into (created, or appended to as recording again under a name does). */
  session: string;
  /** The origin whose entries are imported; @default the origin most entries went to */
  origin?: string;
  /** For the redaction key (`REPLAYGUARD_REDACTION_KEY`). @default process.env */
  env?: Record<string, string | undefined>;
}

export interface ImportHarOutcome {
  session: SessionInfo;
  origin: string;
  imported: number;
  /** Entries not imported, counted by reason, most frequent first. */
  skipped: Array<{ reason: string; entries: number }>;
}

const BATCH = 500;

function invalid(file: string, reason: string, cause?: unknown): ReplayguardError {
  return new ReplayguardError('RG_ERR_HAR_INVALID', { file, reason }, cause === undefined ? undefined : { cause });
}

async function readHar(file: string): Promise<Har> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw invalid(file, reasonOf(e), e);
  }
  let har: Har;
  try {
    har = JSON.parse(text.replace(/^\uFEFF/, '')) as Har;
  } catch (e) {
    throw invalid(file, `not JSON (${reasonOf(e)})`, e);
  }
  if (!har || typeof har !== 'object' || !har.log || !Array.isArray(har.log.entries)) throw invalid(file, 'no log.entries array (HAR 1.2 keeps entries under "log")');
  return har;
}

/** As the recorder stores a body past `record.maxBodyBytes`: its first bytes, flagged truncated. */
function capped(body: StoredBody, max: number): StoredBody {
  return body.bytes && body.bytes.length > max ? { bytes: body.bytes.subarray(0, max), size: body.size, truncated: true } : body;
}

/**
 * Imports a HAR 1.2 file as a recorded session: entries in file order, redacted before anything is
 * written (the recorder's redactor, key and rules), route templates assigned as when recording.
 * Entries of other origins than the imported one, and those that cannot be replayed faithfully, are
 * skipped and counted by reason.
 */
export async function importHar(options: ImportHarOptions): Promise<ImportHarOutcome> {
  const { config } = options;
  const har = await readHar(options.file);
  const skipped = new Map<string, number>();
  const skip = (reason: string) => skipped.set(reason, (skipped.get(reason) ?? 0) + 1);
  const captures: Array<{ origin: string; capture: Capture }> = [];
  for (const entry of har.log.entries) {
    const out = entryToCapture(entry);
    if (out.ok) captures.push(out);
    else skip(out.reason);
  }
  const origin = options.origin ? new URL(options.origin).origin : mostFrequent(captures.map((c) => c.origin));
  if (!origin) throw invalid(options.file, `none of its ${har.log.entries.length} entries can be replayed (${[...skipped.keys()].join('; ') || 'it has none'})`);
  const mine = captures.filter((c) => {
    if (c.origin === origin) return true;
    skip(`another origin (${c.origin}): import it with --origin ${c.origin}`);
    return false;
  });

  const location = resolveLocation(config.db);
  const { key } = loadRedactionKey({ env: options.env ?? process.env, keyFile: redactionKeyFile(config.db), create: true });
  const redactor = createRedactor({ config: config.redact, key, maxDecodedBytes: config.compare.maxDecodedBytes });
  const templater = createRouteTemplater(config.routes.templates);
  const max = config.record.maxBodyBytes;
  const store = await openRecordingStore(location);
  try {
    const first = mine[0]?.capture.startedAt ?? Date.now();
    const session = await store.openSession({ name: options.session, upstream: origin, startedAt: first });
    let endedAt = first;
    for (let i = 0; i < mine.length; i += BATCH) {
      const batch: NewExchange[] = mine.slice(i, i + BATCH).map(({ capture }) => {
        const sized: Capture = {
          ...capture,
          request: { ...capture.request, body: capped(capture.request.body, max) },
          response: capture.response && { ...capture.response, body: capped(capture.response.body, max) },
        };
        const e = redactor.redact(sized);
        endedAt = Math.max(endedAt, e.startedAt + e.timing.totalMs);
        return { ...e, route: templater.templateOf(e.request.url) };
      });
      await store.append(session.id, batch);
    }
    await store.endSession(session.id, endedAt);
    return {
      session,
      origin,
      imported: mine.length,
      skipped: [...skipped].map(([reason, entries]) => ({ reason, entries })).sort((a, b) => b.entries - a.entries || (a.reason < b.reason ? -1 : 1)),
    };
  } finally {
    await store.close();
  }
}

function mostFrequent(values: readonly string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: string | undefined;
  for (const [v, n] of counts) if (best === undefined || n > counts.get(best)!) best = v;
  return best;
}
