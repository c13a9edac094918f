import { randomBytes } from 'node:crypto';

export type DemoVariant = 'staging' | 'baseline' | 'candidate';

export const DEMO_VARIANTS: readonly DemoVariant[] = ['staging', 'baseline', 'candidate'];

/** What every route handler may know about the instance it runs in. */
export interface DemoContext {
  readonly variant: DemoVariant;
  /** True only in the candidate: the one switch behind every planted regression. */
  readonly candidate: boolean;
  /** Extra latency the candidate adds to /api/search. */
  readonly slowMs: number;
  /** Differs between instances (like a pod name), so two deployments of the same code never agree on it. */
  readonly instance: string;
  readonly bootedAt: Date;
  /** The pricing service `/api/quote/:id` calls (none: it always falls back to the catalogue). */
  readonly pricingUrl: string | undefined;
  /** How `/api/quote/:id` copes with the pricing service (see routes/quotes.ts). */
  readonly resilience: Resilience;
}

/** `full`: timeout and fallback; the candidate's planted `no-fallback`; or `no-timeout`. */
export type Resilience = 'full' | 'no-fallback' | 'no-timeout';

export function createContext(variant: DemoVariant, slowMs: number, dependency: { pricingUrl?: string; resilience?: Resilience } = {}): DemoContext {
  return {
    pricingUrl: dependency.pricingUrl?.replace(/\/$/, ''),
    resilience: dependency.resilience ?? (variant === 'candidate' ? 'no-fallback' : 'full'),
    variant,
    candidate: variant === 'candidate',
    slowMs,
    instance: `demo-${process.pid}-${randomBytes(3).toString('hex')}`,
    bootedAt: new Date(),
  };
}

export function nowIso(): string {
  return new Date().toISOString();
}

/**
 * A fresh random order on every call: the kind of unordered collection (a set read from a hash map)
 * that replay has to learn to compare as a set.
 */
export function shuffled<T>(items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A positive integer from a path or query string, or undefined (so "1e3" and "07" are not ids). */
export function parsePositiveInt(raw: string | undefined): number | undefined {
  if (raw === undefined || !/^[1-9]\d{0,8}$/.test(raw)) return undefined;
  return Number(raw);
}
