// Headless entry (dist/cli.js, `npx agent-os-personas`): the same services as the extension,
// on the workspace in the current directory.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { PersonaError } from './core/errors';
import { redactSecrets } from './core/redact';
import type { ModelSettings } from './personas/modelResolver';
import { DEFAULT_ANTHROPIC_MODEL } from './personas/modelNames';
import { PersonaRegistry } from './personas/personaRegistry';
import { personaSources } from './personas/personaSources';
import { PersonaServices } from './services';
import type { WorkflowProblem } from './workflows/types';
import { inspectEndpointFile, removeEndpointFile, writeEndpointFile } from './mcp/endpointFile';
import { connectToStoreOwner } from './mcp/endpointTrust';
import { startMcpHttp } from './mcp/httpServer';
import { serveStdio } from './mcp/stdio';
import { progressMessage } from './mcp/jobProgress';
import { DEFAULT_CONTEXT_MAX_CHARS, formatDiff } from './personas/context';
import { baseDiffContext, gitDiffHead } from './personas/jobContext';
import { guideMessage, installShippedGuide } from './guides/guideInstaller';
import { EXIT, EXIT_HELP } from './cli/exitCodes';
import { parseReviewArgs, type ReviewArgs } from './cli/reviewArgs';
import { checkReviewOutput, failOnExit, renderReview, workspaceInRepository, writeReviewOutput, type ReviewReport } from './cli/reviewOutput';
import { reviewThroughOwner } from './cli/ownerReview';
import { parseMetricsArgs, runMetrics } from './cli/metrics';
import { terminalHint } from './cli/terminalHints';
import { enableTracing } from './telemetry/loadTracing';

const USAGE = `Usage: agent-os-personas <command>
       agent-os-personas --version

Commands:
  review --persona <id>[,<id>...] [--task <text>] [--diff | --base <ref>]
         [--include-preexisting] [--format markdown|json|sarif] [--output <file>]
         [--fail-on low|medium|high|critical] [<file>...]
                                                    run a persona review (several ids: a panel)
                                                    on files, on the working tree's changes
                                                    (git diff HEAD) with --diff, or on what the
                                                    branch changed since it left <ref> with
                                                    --base (git merge-base <ref> HEAD); findings
                                                    on unchanged lines are left out unless
                                                    --include-preexisting (then listed apart).
                                                    Suppressions in .agent-os/suppressions.json
                                                    apply. --format: markdown (default), json
                                                    (docs/findings.schema.json) or sarif (SARIF
                                                    2.1.0 for code scanning); --output writes it
                                                    to a file instead of stdout; --fail-on: exit 2
                                                    at or above this severity (default high).
                                                    When VS Code (or another process) owns this
                                                    folder's job store, the review runs there
  personas [--watch]                                list the personas (id, format, description);
                                                    --watch: list again whenever a persona file changes
  metrics [--since 7d|30d|all] [--persona <id>] [--format json|table]
                                                    what the personas did and cost: runs, failures,
                                                    durations, tokens, estimated cost, standards,
                                                    searches, MCP calls, workflows. JSON by default
                                                    (docs/metrics.schema.json); asks the store's
                                                    owner when VS Code has the folder open
  mcp [--http]                                      the MCP server for agents, over stdio (for
                                                    Claude Code, Cursor); shares the store with
                                                    VS Code when it has the folder open. --http:
                                                    serve it on loopback HTTP with a token instead
  help, --help                                      this text
  --version, -v                                     the version

Environment: ANTHROPIC_API_KEY (without it the offline demo model answers),
AGENT_OS_PROVIDER=auto|anthropic|demo, AGENT_OS_MODEL, ANTHROPIC_BASE_URL.
Tracing (off unless set): OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
(OTLP/HTTP), OTEL_EXPORTER_OTLP_HEADERS for its credentials.
(vscode-lm, VS Code's own chat models, works only inside VS Code.)
${EXIT_HELP}`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (command === '--version' || command === '-v' || command === 'version') {
    process.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  // Listing personas needs no job store, so it never contends with VS Code for the store's lock.
  if (command === 'personas') return listPersonas(rest.includes('--watch'));
  if (command === 'mcp') return rest.includes('--http') ? serveHttp() : serveStdio({ workspaceRoot: process.cwd(), openServices: () => openServices('MCP server (stdio)', { watchStandards: true }), log }).then(() => 0);
  if (command === 'review') return review(parseReviewArgs(rest, process.cwd()));
  if (command === 'metrics') return runMetrics(parseMetricsArgs(rest), { workspaceRoot: process.cwd(), log, print: (text) => void process.stdout.write(`${text}\n`) });
  process.stderr.write(`Unknown command "${command}".\n${USAGE}\n`);
  return EXIT.COULD_NOT_RUN;
}

/** The version in package.json (dist/cli.js sits one folder below it, in the repository and in the npm package). */
function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version?: unknown };
  return typeof manifest.version === 'string' ? manifest.version : 'unknown';
}

const log = (line: string): void => void process.stderr.write(`${line}\n`);

/**
 * The workspace's services. A long-lived server (`mcp`) also follows `.agent-os/standards` with
 * node:fs.watch, so a standard approved in the editor while it runs is found; a one-shot review
 * reads the standards once at start, which is all it needs.
 */
async function openServices(ownerKind: string, options: { watchStandards?: boolean } = {}): Promise<PersonaServices> {
  const services = await PersonaServices.create({
    workspaceRoot: process.cwd(),
    extensionRoot: join(__dirname, '..'),
    ownerKind,
    workerCount: 2,
    modelSettings: settingsFromEnv,
    apiKey: () => Promise.resolve(process.env['ANTHROPIC_API_KEY'] || undefined),
    log,
  });
  // Off unless OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT is set; then flushed as the services stop.
  enableTracing(services, { extensionRoot: join(__dirname, '..'), settings: {}, env: process.env, log, serviceVersion: packageVersion() });
  // After the store opened (so this folder is ours to write in), off the path to the first answer.
  setImmediate(() => {
    const line = guideMessage(installShippedGuide(join(__dirname, '..'), process.cwd()));
    if (line) log(line);
  });
  // The watches are disposed with the services (StandardsIndex.dispose, WorkflowRegistry.dispose).
  if (options.watchStandards) {
    services.standards.watch();
    const workflows = services.workflowRegistry;
    workflows.watch();
    // A server says which workflow files did not load, at their lines, once it serves (the
    // first read compiles every gate; a one-shot review never reads them) and after each edit.
    const say = (problems: readonly WorkflowProblem[]): void => {
      for (const p of problems) log(`workflow ${p.severity === 'error' ? 'skipped' : 'warning'}: ${p.file}:${p.line}: ${p.message}`);
    };
    setImmediate(() => say(workflows.problems));
    workflows.events.on('change', (change) => say(change.problems));
  }
  return services;
}

/** `mcp --http`: the same server on loopback HTTP (token rules as in VS Code), until Ctrl+C. */
async function serveHttp(): Promise<number> {
  const dataDir = join(process.cwd(), '.agent-os');
  let services: PersonaServices;
  try {
    services = await openServices('MCP server (HTTP)', { watchStandards: true });
  } catch (err) {
    if (!(err instanceof PersonaError && err.code === 'STORE_LOCKED')) throw err;
    // Pointing the user at the owner's endpoint only once it proves to be the owner's; if it
    // does not, the refusal says which check failed.
    if (inspectEndpointFile(dataDir).kind === 'missing') throw err;
    const probe = new Client({ name: 'agent-os-personas-cli', version: '1' });
    const { url } = await connectToStoreOwner(process.cwd(), probe, fetch);
    await probe.close();
    log(`VS Code already serves MCP for this workspace at ${url} (token in .agent-os/mcp-endpoint.json); use that endpoint.`);
    return 1;
  }
  const endpoint = await startMcpHttp(services, { log });
  writeEndpointFile(dataDir, { url: endpoint.url, token: endpoint.token, pid: process.pid, owner: 'CLI (mcp --http)' });
  log(`MCP server on ${endpoint.url}\nSend "Authorization: Bearer <token>"; the token is in .agent-os/mcp-endpoint.json (readable by you only). Ctrl+C stops.`);
  await new Promise<void>((stop) => {
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  removeEndpointFile(dataDir, endpoint.token);
  await endpoint.close();
  await services.dispose();
  return 0;
}

function printProblems(registry: PersonaRegistry): void {
  for (const p of registry.problems) process.stderr.write(`warning: persona file skipped: ${p.file}:${p.line}: ${p.message}\n`);
}

function printPersonas(registry: PersonaRegistry): void {
  printProblems(registry);
  for (const p of registry.list()) {
    process.stdout.write(`${p.id}\t${p.format}\t${p.description}\n`);
    for (const note of p.notes) process.stderr.write(`note: ${p.id} (${p.source}): ${note}\n`);
  }
}

/**
 * `personas`: prints the list (problems to stderr). With --watch, follows the workspace's
 * persona folders with node:fs.watch (PersonaRegistry.watch) and prints again on each change,
 * until Ctrl+C.
 */
async function listPersonas(watch: boolean): Promise<number> {
  const registry = new PersonaRegistry(personaSources(join(__dirname, '..'), process.cwd()));
  printPersonas(registry);
  if (!watch) return 0;
  registry.watch({ persistent: true });
  registry.onDidChange((change) => {
    const what = [...change.added.map((id) => `+${id}`), ...change.removed.map((id) => `-${id}`), ...change.changed.map((id) => `~${id}`)];
    process.stderr.write(`personas changed${what.length ? ` (${what.join(' ')})` : ''}:\n`);
    printPersonas(registry);
  });
  await new Promise<void>((stop) => process.once('SIGINT', () => stop()));
  registry.dispose();
  return 0;
}

/**
 * `review`: runs the job here when this process can own the folder's store; when another
 * process owns it (VS Code has the folder open), hands the job to that owner.
 */
async function review(args: ReviewArgs): Promise<number> {
  // Refused before anything runs: a review's tokens are not spent on a report that cannot be written.
  if (args.output !== null) checkReviewOutput(process.cwd(), process.cwd(), args.output);
  // Ctrl+C or a SIGTERM cancels the job (its row says so) and the CLI exits, instead of the
  // signal being swallowed by the lock's exit hook while the review runs on.
  const stopped = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => stopped.abort(signal);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    let services: PersonaServices;
    try {
      services = await openServices('CLI');
    } catch (err) {
      if (!(err instanceof PersonaError && err.code === 'STORE_LOCKED')) throw err;
      // The owner's tools take context as text: the diff is read here, in this folder's git.
      const context = args.base !== null ? await baseDiffContext(process.cwd(), args.base, DEFAULT_CONTEXT_MAX_CHARS) : args.diff ? formatDiff(await gitDiffHead(process.cwd()), DEFAULT_CONTEXT_MAX_CHARS) : undefined;
      if (context?.note) process.stderr.write(`note: ${context.note}\n`);
      return await reviewThroughOwner({ workspaceRoot: process.cwd(), args, context: context?.context, toolVersion: packageVersion(), log, emit: (text) => emitReview(args, text), signal: stopped.signal });
    }
    try {
      printProblems(services.registry);
      return await reviewHere(services, args, stopped.signal);
    } finally {
      await services.dispose();
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** The review as this process's own job (a panel's when several personas are named): asked, watched to its end, reported. */
async function reviewHere(services: PersonaServices, args: ReviewArgs, signal: AbortSignal): Promise<number> {
  // A refusal here (unknown persona, a path outside the folder, an unknown --base) means nothing ran: thrown, exit 3.
  const context = { files: args.files, diff: args.diff, ...(args.base !== null ? { base: args.base } : {}) };
  const job =
    args.personas.length === 1
      ? await services.jobs.ask({ persona: args.personas[0]!, task: args.task, context, source: 'cli' })
      : (await services.jobs.askPanel({ personas: args.personas, task: args.task, context, source: 'cli' })).parent;
  if (job.contextNote) process.stderr.write(`note: ${job.contextNote}\n`);
  process.stderr.write(`job ${job.id} queued\n`);
  let shown = '';
  await services.watch.whenSettled(job.id, {
    signal,
    onChange: (j) => {
      const line = progressMessage(j);
      if (j.status === 'running' && line !== shown) log(line);
      shown = line;
    },
  });
  if (signal.aborted && services.store.summary(job.id)?.status !== 'completed') {
    await services.jobs.cancel(job.id, `Cancelled by ${String(signal.reason)} to the CLI`).catch(() => undefined);
    process.stderr.write(`cancelled: job ${job.id} (${String(signal.reason)})\n`);
    return signal.reason === 'SIGINT' ? 130 : 143;
  }
  const final = services.store.require(job.id);
  if (final.status !== 'completed') {
    const error = final.error;
    // The error may quote the endpoint; the key is known here, so it goes even where no pattern sees it.
    process.stderr.write(redactSecrets(`${final.status}: ${error ? `${error.code}: ${error.message}\n${terminalHint(error.code, error.hint)}` : ''}\n`, envSecrets()));
    return EXIT.JOB_FAILED;
  }
  const presented = services.findings.present(job.id, args.includePreexisting ? 'apart' : 'drop');
  const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
  const report: ReviewReport = {
    job: { id: final.id, personas: args.personas, task: final.task, status: final.status, createdAt: iso(final.createdAt), finishedAt: iso(final.finishedAt) },
    presented,
    personas: args.personas.map((id) => {
      const persona = services.registry.get(id);
      return { id, name: persona?.name ?? id, description: persona?.description ?? '' };
    }),
    toolVersion: packageVersion(),
    includePreexisting: args.includePreexisting,
    workspaceInRepository: await workspaceInRepository(process.cwd()),
  };
  emitReview(args, renderReview(args.format, report));
  return failOnExit(presented.remaining, args.failOn);
}

/** Prints the rendered review, or writes it to --output and says so on stderr. */
function emitReview(args: ReviewArgs, text: string): void {
  if (args.output === null) {
    process.stdout.write(text);
    return;
  }
  writeReviewOutput(process.cwd(), process.cwd(), args.output, text);
  log(`wrote ${args.output} (${args.format})`);
}

function settingsFromEnv(): ModelSettings {
  const provider = process.env['AGENT_OS_PROVIDER'];
  return {
    // vscode-lm is accepted so that asking for it fails with its own clear error (MODEL_UNAVAILABLE).
    provider: provider === 'anthropic' || provider === 'demo' || provider === 'vscode-lm' ? provider : 'auto',
    model: process.env['AGENT_OS_MODEL'] ?? DEFAULT_ANTHROPIC_MODEL,
    baseUrl: process.env['ANTHROPIC_BASE_URL'] ?? '',
    maxTokens: 4096,
    requestTimeoutSeconds: 600,
  };
}

/** The secrets the environment gives this process, for the redactor. */
function envSecrets(): string[] {
  return [process.env['ANTHROPIC_API_KEY'] ?? ''];
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    // Whatever reaches here stopped the command before it could do its work: exit 3, "could not run".
    const text = err instanceof PersonaError ? `${err.code}: ${err.message}\n${terminalHint(err.code, err.hint)}` : err instanceof Error ? (err.stack ?? err.message) : String(err);
    process.stderr.write(`${redactSecrets(text, envSecrets())}\n`);
    process.exit(EXIT.COULD_NOT_RUN);
  },
);
