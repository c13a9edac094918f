import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const COMPOSE_FILE = join(ROOT, 'docker-compose.yml');

/**
 * Runs docker-compose on the file. No Docker engine is needed: `config` only parses, interpolates and
 * validates. A missing binary fails the test instead of skipping it, so CI can never go green without
 * having validated the file.
 */
function compose(...args: string[]): string {
  const run = spawnSync('docker-compose', ['-f', COMPOSE_FILE, ...args], { cwd: ROOT, encoding: 'utf8' });
  if ((run.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    throw new Error('docker-compose is not on PATH, so docker-compose.yml cannot be validated. Install it (Debian/Ubuntu: `apt-get install -y docker-compose`) and re-run the tests.');
  }
  if (run.error) throw run.error;
  if (run.status !== 0) throw new Error(`docker-compose ${args.join(' ')} exited with ${run.status}:\n${run.stderr}`);
  return run.stdout;
}

const lines = (out: string): string[] => out.split('\n').map((l) => l.trim()).filter(Boolean).sort();

/**
 * The YAML block of one service in the normalised `config` output (services are indented two spaces).
 * The regexes below accept both docker-compose v1's short volume syntax and Compose v2's long one.
 */
function serviceBlock(config: string, name: string): string {
  const match = new RegExp(`^  ${name}:\\n((?:    .*\\n|\\s*\\n)*)`, 'm').exec(config);
  if (!match?.[1]) throw new Error(`service ${name} not found in docker-compose config output`);
  return match[1];
}

describe('docker-compose.yml', () => {
  it('is valid', () => {
    expect(compose('config', '-q')).toBe('');
  });

  it('defines the demo services and the replay profile', () => {
    expect(lines(compose('config', '--services'))).toEqual(['baseline', 'candidate', 'recorder', 'replay', 'staging']);
    expect(lines(compose('config', '--profiles'))).toEqual(['replay']);
  });

  it('wires recorder and replay to the demo APIs', () => {
    const config = compose('config');
    const recorder = serviceBlock(config, 'recorder');
    expect(recorder).toMatch(/- --upstream\n\s+- http:\/\/staging:3000\n/);
    expect(recorder).toMatch(/published: ["']?8080/);
    expect(recorder).toContain('http://127.0.0.1:8080/__replayguard/health'); // YAML folds lines only at spaces
    expect(recorder).toMatch(/:\/data(:rw)?\n|target: \/data\n/);

    const replay = serviceBlock(config, 'replay');
    expect(replay).toMatch(/profiles:\n\s+- replay\n/);
    expect(replay).toMatch(/- --target\n\s+- http:\/\/candidate:3000\n/);
    expect(replay).toMatch(/- --baseline\n\s+- http:\/\/baseline:3000\n/);
    expect(replay).toMatch(/:\/data:ro\n|read_only: true/);

    for (const variant of ['staging', 'candidate', 'baseline']) {
      const block = serviceBlock(config, variant); // each demo service is named after its variant
      expect(block).toContain('dist/examples/demo-api/server.js');
      expect(block).toMatch(new RegExp(`- --variant\\n\\s+- ${variant}\\n`));
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
