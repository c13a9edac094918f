import type { Command } from 'commander';
import { approve, type ApproveOutcome } from '../approve/approve.js';
import { ReplayguardError } from '../errors.js';
import { describeChange } from '../report/changes/describe-change.js';
import { resolveForCli, type CliIo } from './cli-io.js';
import { collect } from './parse-values.js';

interface ApproveFlags {
  out: string;
  run: string;
  change?: string[];
  route?: string[];
  all?: boolean;
  as: string;
  dryRun?: boolean;
  db?: string;
  config?: string;
}

/** What an approval did (or, dry, would do), as the CLI prints it. */
export function approvalLines(o: ApproveOutcome): string[] {
  const lines: string[] = [];
  const would = o.dryRun ? 'would ' : '';
  lines.push(`${o.dryRun ? 'dry run: ' : ''}approving ${o.changes.length} change(s) of run ${o.run} (session "${o.session}") as ${o.as}:`);
  for (const c of o.changes) lines.push(`  ${describeChange(c)}`);
  if (o.as === 'behaviour') {
    lines.push(`${o.exchanges} exchange(s) ${would}take the candidate's response${o.revision ? ` in revision ${o.revision.name} (replays of "${o.revision.baseName ?? o.revision.name}" now use it; ${o.session} is kept)` : ''}`);
  } else if (o.rules) {
    lines.push(`${o.rules.additions.length} rule(s) ${would}merge into ${o.configFile ?? 'replayguard.config.json'}:`);
    for (const a of o.rules.additions) lines.push(`  compare.routes["${a.route}"].${a.field} += ${JSON.stringify(a.value)}   (${a.signature})`);
    for (const r of o.rules.refused) lines.push(`  not expressible as noise: ${r.route} ${r.signature}: ${r.reason}`);
  }
  for (const r of o.refused) lines.push(`  not approved: ${r.request} (seq ${r.seq}): ${r.reason}`);
  if (o.approval) lines.push(`recorded: approved by ${o.approval.by} at ${new Date(o.approval.at).toISOString()}`);
  return lines;
}

export function registerApprove(program: Command, io: CliIo): void {
  program
    .command('approve')
    .description('approve changes a replay found: as behaviour (a new revision of the session with the candidate\'s responses) or as noise (rules merged into the config)')
    .option('--out <dir>', 'folder holding the replay\'s results.db', 'replay-out')
    .option('--run <id>', 'run id or latest', 'latest')
    .option('--change <id>', 'a change id from the report or summary.json (repeatable)', collect)
    .option('--route <route>', 'every regression of a route, e.g. "GET /users/:id" (repeatable)', collect)
    .option('--all', 'every regression of the run')
    .option('--as <kind>', 'behaviour or noise', 'behaviour')
    .option('--dry-run', 'print what would change, change nothing')
    .option('--db <file>', 'recordings database [default: recordings/replayguard.db]')
    .option('--config <file>', 'configuration file (where --as noise merges rules)')
    .action(async (flags: ApproveFlags) => {
      if (flags.as !== 'behaviour' && flags.as !== 'noise') {
        throw new ReplayguardError('RG_ERR_USAGE', { details: `--as must be behaviour or noise (got "${flags.as}")`, command: 'approve' });
      }
      const { config, file } = resolveForCli(io, flags.config, { db: flags.db });
      const outcome = await approve({
        outDir: flags.out,
        run: flags.run,
        selection: { changes: flags.change ?? [], routes: flags.route ?? [], all: flags.all ?? false },
        as: flags.as,
        dryRun: flags.dryRun ?? false,
        config,
        ...(file ? { configFile: file } : {}),
        cwd: io.cwd,
        env: io.env,
      });
      io.out(approvalLines(outcome).join('\n'));
    });
}
