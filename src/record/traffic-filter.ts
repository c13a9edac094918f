import picomatch from 'picomatch';

/**
 * Which requests get recorded (all are forwarded). Patterns are `METHOD /path/glob` or `/path/glob`,
 * `*` one segment, `**` any depth; several methods may be given as `GET,HEAD /api/**`.
 */
export interface TrafficFilter {
  /** True when the request should be recorded. */
  accepts(method: string, url: string): boolean;
}

export interface CompiledPattern {
  methods: Set<string> | null;
  matches: (path: string) => boolean;
}

/** One `METHOD /path/glob` pattern compiled; fault plans select requests with the same patterns. */
export function compilePattern(pattern: string): CompiledPattern {
  const trimmed = pattern.trim();
  const space = trimmed.indexOf(' ');
  const hasMethod = space > 0 && !trimmed.startsWith('/');
  const methodPart = hasMethod ? trimmed.slice(0, space) : '*';
  const glob = hasMethod ? trimmed.slice(space + 1).trim() : trimmed;
  const methods = methodPart === '*' ? null : new Set(methodPart.toUpperCase().split(',').map((m) => m.trim()));
  const matcher = picomatch(glob, { dot: true });
  return { methods, matches: (p) => matcher(p) };
}

export function createTrafficFilter(options: {
  include: readonly string[];
  exclude: readonly string[];
  sample: number;
  /** Injected for tests; a number in [0, 1). */
  random?: () => number;
}): TrafficFilter {
  const include = options.include.map(compilePattern);
  const exclude = options.exclude.map(compilePattern);
  const random = options.random ?? Math.random;
  const hit = (list: CompiledPattern[], method: string, path: string): boolean =>
    list.some((p) => (p.methods === null || p.methods.has(method)) && p.matches(path));
  return {
    accepts(method, url) {
      if (include.length === 0 && exclude.length === 0 && options.sample >= 1) return true;
      const q = url.indexOf('?');
      const path = q === -1 ? url : url.slice(0, q);
      if (include.length > 0 && !hit(include, method, path)) return false;
      if (hit(exclude, method, path)) return false;
      return options.sample >= 1 || random() < options.sample;
    },
  };
}
