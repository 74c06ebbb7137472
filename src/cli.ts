// Headless entry (dist/cli.js, `npx agent-os-personas`): the same services as the extension,
// on the workspace in the current directory.
import { readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { PersonaError } from './core/errors';
import { formatContext } from './personas/context';
import type { ModelSettings } from './personas/modelResolver';
import { PersonaServices } from './services';
import { TERMINAL_STATUSES, type Job } from './jobs/types';

const USAGE = `Usage: agent-os-personas <command>

Commands:
  review --persona <id> [--task <text>] <file>...   run a persona review on files; prints the result
  personas                                          list the personas
  help                                              this text

Environment: ANTHROPIC_API_KEY (without it the offline demo model answers),
AGENT_OS_PROVIDER=auto|anthropic|demo, AGENT_OS_MODEL, ANTHROPIC_BASE_URL.
(vscode-lm, VS Code's own chat models, works only inside VS Code.)
Exit status of review: 0 no high or critical findings, 2 high or critical findings, 1 the job failed.`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const services = await PersonaServices.create({
    workspaceRoot: process.cwd(),
    extensionRoot: join(__dirname, '..'),
    ownerKind: 'CLI',
    workerCount: 2,
    modelSettings: settingsFromEnv,
    apiKey: () => Promise.resolve(process.env['ANTHROPIC_API_KEY'] || undefined),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  try {
    for (const p of services.registry.problems) process.stderr.write(`warning: persona file skipped: ${p.file}:${p.line}: ${p.message}\n`);
    if (command === 'personas') {
      for (const p of services.registry.list()) process.stdout.write(`${p.id}\t${p.description}\n`);
      return 0;
    }
    if (command === 'review') return await review(services, rest);
    process.stderr.write(`Unknown command "${command}".\n${USAGE}\n`);
    return 1;
  } finally {
    await services.dispose();
  }
}

async function review(services: PersonaServices, args: string[]): Promise<number> {
  let persona = '';
  let task = 'Review these files.';
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--persona') persona = args[++i] ?? '';
    else if (args[i] === '--task') task = args[++i] ?? '';
    else files.push(args[i]!);
  }
  services.registry.require(persona);
  const parts = files.map((f) => {
    const path = relative(process.cwd(), resolve(f));
    return formatContext({ path, text: readFileSync(f, 'utf8'), startLine: 1, kind: 'file' }, 60_000).context;
  });
  const job = await services.store.create({ persona, task, context: parts.join('\n\n') });
  process.stderr.write(`job ${job.id} queued\n`);
  const final = await new Promise<Job>((done) => {
    const check = (j: Job): void => {
      if (j.id === job.id && TERMINAL_STATUSES.has(j.status)) done(j);
    };
    for (const e of ['job:completed', 'job:failed', 'job:cancelled'] as const) services.store.events.on(e, check);
  });
  if (final.status !== 'completed') {
    process.stderr.write(`${final.status}: ${final.error?.message ?? ''}\n${final.error?.hint ?? ''}\n`);
    return 1;
  }
  process.stdout.write(`${final.result ?? ''}\n`);
  return /\[(CRITICAL|HIGH)\]/.test(final.result ?? '') ? 2 : 0;
}

function settingsFromEnv(): ModelSettings {
  const provider = process.env['AGENT_OS_PROVIDER'];
  return {
    // vscode-lm is accepted so that asking for it fails with its own clear error (MODEL_UNAVAILABLE).
    provider: provider === 'anthropic' || provider === 'demo' || provider === 'vscode-lm' ? provider : 'auto',
    model: process.env['AGENT_OS_MODEL'] ?? 'claude-sonnet-4-5',
    baseUrl: process.env['ANTHROPIC_BASE_URL'] ?? '',
    maxTokens: 4096,
    requestTimeoutSeconds: 600,
  };
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof PersonaError) process.stderr.write(`${err.code}: ${err.message}\n${err.hint}\n`);
    else process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
