import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { FAULT_KIND_NAMES, faultPlanSchema, type FaultKindName, type FaultPlan, type FaultRuleConfig } from '../config/schema.js';
import { ReplayguardError, reasonOf } from '../errors.js';
import { compilePattern } from '../record/traffic-filter.js';
import { mulberry32 } from './seeded-stream.js';

/** A rule ready to decide: its selector compiled, its kind and parameters picked out. */
export interface CompiledRule {
  index: number;
  /** `name`, or `#<index> <kind>`: what stats, reports and the fault header call it. */
  label: string;
  /** The `match` patterns as written (for stats). */
  match: string[];
  kind: FaultKindName;
  params: unknown;
  selects(method: string, path: string): boolean;
  onCall(repeat: number): boolean;
  probability: number;
  after: number;
  for: number;
}

/** What a plan decides for one request: the rule that fires, with its own reproducible randomness. */
export interface FaultDecision {
  rule: CompiledRule;
  random: () => number;
}

export interface RequestIdentity {
  method: string;
  /** Path without the query. */
  path: string;
  /** The request's match key (request-shape.ts): identical requests share it. */
  key: string;
  /** 1-based repeat number of this identical request. */
  repeat: number;
  /** ms since the stub started (for `after` / `for`). */
  elapsedMs: number;
}

export interface CompiledPlan {
  readonly seed: number;
  readonly rules: readonly CompiledRule[];
  decide(request: RequestIdentity): FaultDecision | null;
}

/** `"3"`, `"1-3"`, `"4-"` or `"every 5"` as a test of the repeat number. */
export function parseCalls(calls: string | undefined): (repeat: number) => boolean {
  if (calls === undefined) return () => true;
  const every = /^every (\d+)$/.exec(calls);
  if (every) {
    const k = Number(every[1]);
    return k === 0 ? () => false : (n) => n % k === 0;
  }
  const [from, to] = calls.split('-');
  const lo = Number(from);
  const hi = to === undefined ? lo : to === '' ? Infinity : Number(to);
  return (n) => n >= lo && n <= hi;
}

/**
 * The decision's randomness: a hash of (plan seed, rule, request key, repeat). Nothing that depends on
 * arrival order across different requests enters it, so two stubs given the same requests in any order
 * and at any concurrency inject the same faults.
 */
function decisionDigest(seed: number, rule: number, key: string, repeat: number): Buffer {
  return createHash('sha256').update(`${seed}\u0000${rule}\u0000${key}\u0000${repeat}`).digest();
}

function kindOf(rule: FaultRuleConfig): FaultKindName {
  return FAULT_KIND_NAMES.find((k) => rule[k] !== undefined)!;
}

export function compilePlan(plan: FaultPlan, seedOverride?: number): CompiledPlan {
  const seed = seedOverride ?? plan.seed;
  const rules: CompiledRule[] = plan.faults.map((rule, index) => {
    const kind = kindOf(rule);
    const match = rule.match === undefined ? [] : Array.isArray(rule.match) ? rule.match : [rule.match];
    const patterns = match.map(compilePattern);
    return {
      index,
      label: rule.name ?? `#${index} ${kind}`,
      match,
      kind,
      params: rule[kind],
      selects: (method, path) => patterns.length === 0 || patterns.some((p) => (p.methods === null || p.methods.has(method)) && p.matches(path)),
      onCall: parseCalls(rule.calls),
      probability: rule.probability ?? 1,
      after: rule.after ?? 0,
      for: rule.for ?? Infinity,
    };
  });
  return {
    seed,
    rules,
    decide(r) {
      for (const rule of rules) {
        if (!rule.selects(r.method, r.path) || !rule.onCall(r.repeat)) continue;
        if (r.elapsedMs < rule.after || r.elapsedMs >= rule.after + rule.for) continue;
        const digest = decisionDigest(seed, rule.index, r.key, r.repeat);
        if (rule.probability < 1 && digest.readUInt32BE(0) / 4294967296 >= rule.probability) continue;
        return { rule, random: mulberry32(digest.readUInt32BE(4)) };
      }
      return null;
    },
  };
}

/** Read and validate a plan file (`--faults FILE`). */
export function loadFaultPlan(file: string): FaultPlan {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ReplayguardError('RG_ERR_FAULT_PLAN', { file, reason: reasonOf(e) }, { cause: e });
  }
  return validateFaultPlan(parsed, file);
}

export function validateFaultPlan(value: unknown, source: string): FaultPlan {
  const result = faultPlanSchema.safeParse(value);
  if (!result.success) {
    const reason = result.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(top level)'}: ${i.message}`).join('; ');
    throw new ReplayguardError('RG_ERR_FAULT_PLAN', { file: source, reason }, { cause: result.error });
  }
  return result.data as FaultPlan;
}
