import type { Command } from 'commander';
import { describeApproval } from '../approve/describe-approval.js';
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
        // Stores written by several recorders at once (PostgreSQL) count per recorder too.
        const recorders = (await store.recorderStats?.(only?.id)) ?? [];
        const approvals = await store.listApprovals(only ? (only.baseName ?? only.name) : undefined);
        if (flags.json) {
          io.out(JSON.stringify({ db: displayLocation(file), sessions: shown, routes, approvals, ...(store.recorderStats ? { recorders } : {}) }, null, 2));
          return;
        }
        io.out(`sessions in ${displayLocation(file)}`);
        if (shown.length === 0) {
          io.out('  (none yet: record with `replayguard record --upstream URL`)');
          return;
        }
        io.out(
          table(
            // A revision's name says which it is (`nightly@2`); revision 1 keeps the recorded name.
            ['id', 'name', 'upstream', 'started', 'ended', 'exchanges', 'failures', 'dropped', 'bytes'],
            shown.map((s) => [s.id, s.name, s.upstream, formatTime(s.startedAt), formatTime(s.endedAt), s.exchanges, s.failures, s.dropped, formatBytes(s.bytes)]),
          ),
        );
        if (approvals.length) {
          io.out(`\napprovals (replays of a session name use its newest revision; NAME@N replays an older one):`);
          for (const a of approvals) io.out(`  ${describeApproval(a)}`);
        }
        for (const s of shown) {
          const mine = routes.filter((r) => r.sessionId === s.id);
          if (mine.length === 0) continue;
          io.out(`\nsession "${s.name}" (${s.id}): ${mine.length} routes`);
          io.out(table(['method', 'route', 'exchanges', 'failures', 'bytes'], mine.map((r) => [r.method, r.route, r.exchanges, r.failures, formatBytes(r.bytes)])));
          const theirs = recorders.filter((r) => r.sessionId === s.id);
          if (theirs.length > 0) {
            io.out(`recorders of "${s.name}": ${theirs.length}`);
            io.out(
              table(
                ['recorder', 'host', 'pid', 'upstream', 'started', 'ended', 'exchanges', 'failures', 'dropped'],
                theirs.map((r) => [r.id, r.host, r.pid, r.upstream, formatTime(r.startedAt), formatTime(r.endedAt), r.exchanges, r.failures, r.dropped]),
              ),
            );
          }
          if (s.dropped > 0) io.out(`  ${s.dropped} captures were dropped because storage fell behind or was unreachable (the clients were served)`);
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
