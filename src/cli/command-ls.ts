import type { Command } from 'commander';
import { displayLocation, openRecordingStore, resolveLocation } from '../store/open-store.js';
import { resolveForCli, type CliIo } from './cli-io.js';
import { formatBytes, formatTime, table } from './format.js';

interface LsFlags {
  db?: string;
  config?: string;
  session?: string;
  json?: boolean;
}

export function registerLs(program: Command, io: CliIo): void {
  program
    .command('ls')
    .description('list recorded sessions, then exchanges per route template')
    .option('--db <file>', 'recordings database [default: recordings/replayguard.db]')
    .option('--config <file>', 'configuration file')
    .option('--session <name>', 'show routes of this session only (name, id or latest)')
    .option('--json', 'print JSON instead of tables')
    .action(async (flags: LsFlags) => {
      const { config } = resolveForCli(io, flags.config, { db: flags.db });
      const file = resolveLocation(config.db, io.cwd);
      const store = await openRecordingStore(file, { readonly: true });
      try {
        const sessions = await store.listSessions();
        const only = flags.session ? await store.findSession(flags.session) : undefined;
        const shown = flags.session ? sessions.filter((s) => s.id === only?.id) : sessions;
        const routes = await store.routeStats(only?.id);
        if (flags.json) {
          io.out(JSON.stringify({ db: displayLocation(file), sessions: shown, routes }, null, 2));
          return;
        }
        io.out(`sessions in ${displayLocation(file)}`);
        if (shown.length === 0) {
          io.out('  (none yet: record with `replayguard record --upstream URL`)');
          return;
        }
        io.out(
          table(
            ['id', 'name', 'upstream', 'started', 'ended', 'exchanges', 'failures', 'dropped', 'bytes'],
            shown.map((s) => [s.id, s.name, s.upstream, formatTime(s.startedAt), formatTime(s.endedAt), s.exchanges, s.failures, s.dropped, formatBytes(s.bytes)]),
          ),
        );
        for (const s of shown) {
          const mine = routes.filter((r) => r.sessionId === s.id);
          if (mine.length === 0) continue;
          io.out(`\nsession "${s.name}" (${s.id}): ${mine.length} routes`);
          io.out(table(['method', 'route', 'exchanges', 'failures', 'bytes'], mine.map((r) => [r.method, r.route, r.exchanges, r.failures, formatBytes(r.bytes)])));
          if (s.dropped > 0) io.out(`  ${s.dropped} captures were dropped because storage fell behind (the clients were served)`);
        }
      } finally {
        await store.close();
      }
    });

  program
    .command('migrate')
    .description('upgrade a recordings database written by an older replayguard to the current schema')
    .option('--db <file>', 'recordings database [default: recordings/replayguard.db]')
    .option('--config <file>', 'configuration file')
    .action(async (flags: LsFlags) => {
      const { config } = resolveForCli(io, flags.config, { db: flags.db });
      const file = resolveLocation(config.db, io.cwd);
      // Opening migrates: each backend brings its data to the current schema when it opens it.
      const store = await openRecordingStore(file, { mustExist: true });
      await store.close();
      io.out(`${displayLocation(file)} is at the current schema`);
    });
}
