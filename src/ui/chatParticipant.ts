import { basename, isAbsolute, relative, sep } from 'node:path';
import * as vscode from 'vscode';
import { PersonaError } from '../core/errors';
import { splitPathLines } from '../core/pathLineLinks';
import { resolveInWorkspace, workspaceFileCheck } from '../core/workspacePath';
import { TERMINAL_STATUSES, type JobSummary } from '../jobs/types';
import type { ContextSource } from '../personas/context';
import type { ContextRequest } from '../personas/jobContext';
import { parseReview } from '../personas/reviewParse';
import type { PersonaServices } from '../services';
import { DEFAULT_PANEL } from './askPanel';
import { parseChatRequest, mentionsChanges, PERSONA_COMMANDS, recommendedSpecialists, withoutReferences, WORKFLOW_PERSONA, type ChatIntent } from './chatRequest';
import { collectContext, documentContext } from './contextPicker';
import { startWorkflowCommand } from './startWorkflow';
import { targetLabel } from './workflowPresentation';
import { countOf } from '../core/plural';

export const CHAT_PARTICIPANT_ID = 'agentOsPersonas.personas';
/** Hidden commands behind the reply's buttons (not in the palette: they need a job id). */
export const REVEAL_JOB_COMMAND = 'agentOsPersonas.revealJob';
export const USE_DEMO_MODEL_COMMAND = 'agentOsPersonas.useDemoModel';

/** What the participant needs from the extension: the services once started, and the tree's reveal. */
export interface ChatDeps {
  ready(): Promise<PersonaServices | undefined>;
  revealJob(jobId: string): Promise<void>;
}

/** What a reply leaves for the follow-up provider. */
export interface ChatReplyMetadata {
  jobId?: string;
  persona?: string;
  task?: string;
  /** Persona ids the review recommended, loaded ones only. */
  specialists?: string[];
}

/** Errors that mean no model can answer: the reply says how to set one instead of the bare error. */
const MODEL_SETUP_CODES = new Set(['NO_API_KEY', 'BAD_API_KEY', 'NO_CHAT_MODEL', 'MODEL_UNAVAILABLE']);

/**
 * Registers `@personas`. Costs nothing on activation: no file is read and no service is
 * awaited until a request comes in.
 */
export function registerChatParticipant(deps: ChatDeps): vscode.Disposable {
  const participant = vscode.chat.createChatParticipant(CHAT_PARTICIPANT_ID, chatHandler(deps));
  participant.iconPath = new vscode.ThemeIcon('organization');
  participant.followupProvider = { provideFollowups: (result) => chatFollowups(result.metadata) };
  return vscode.Disposable.from(
    participant,
    vscode.commands.registerCommand(REVEAL_JOB_COMMAND, async (jobId?: unknown) => {
      if (typeof jobId !== 'string') throw new PersonaError('INVALID_INPUT', 'No job was given.', 'Use the button under a chat reply, or pick the job in the Persona Jobs view.');
      await deps.revealJob(jobId);
    }),
    vscode.commands.registerCommand(USE_DEMO_MODEL_COMMAND, async () => {
      await vscode.workspace.getConfiguration('agentOsPersonas').update('model.provider', 'demo', vscode.ConfigurationTarget.Global);
      void vscode.window.showInformationMessage('Agent OS Personas now answers with the built-in demo model (setting "agentOsPersonas.model.provider": "demo"). Ask again in the chat.');
    }),
  );
}

/** The request handler; exported so a test can drive it with VS Code's own objects. */
export function chatHandler(deps: ChatDeps): vscode.ChatRequestHandler {
  return async (request, _context, stream, token) => {
    try {
      return await answer(deps, request, stream, token);
    } catch (err) {
      writeError(stream, err);
      return { metadata: {} };
    }
  };
}

async function answer(deps: ChatDeps, request: vscode.ChatRequest, stream: vscode.ChatResponseStream, token: vscode.CancellationToken): Promise<vscode.ChatResult> {
  const services = await deps.ready();
  if (!services) {
    stream.markdown('Agent OS Personas needs an open folder: persona jobs and their results are kept in the workspace\'s `.agent-os` folder. Open a folder, then ask again.');
    stream.button({ command: 'workbench.action.files.openFolder', title: 'Open Folder' });
    return { metadata: {} };
  }
  const personaIds = services.registry.list().map((p) => p.id);
  const prompt = withoutReferences(request.prompt, request.references.flatMap((r) => (r.range ? [r.range] : [])));
  const intent = parseChatRequest({ command: request.command, prompt }, personaIds);
  switch (intent.kind) {
    case 'help':
      writeHelp(stream, intent.said, personaIds);
      return { metadata: {} };
    case 'standards':
      await writeStandards(services, intent.query, stream);
      return { metadata: {} };
    case 'workflow':
      return runWorkflow(services, intent, request, prompt, stream, token);
    case 'panel':
    case 'persona':
      return runReview(services, intent, request, prompt, stream, token);
  }
}

async function runReview(
  services: PersonaServices,
  intent: Extract<ChatIntent, { kind: 'persona' | 'panel' }>,
  request: vscode.ChatRequest,
  prompt: string,
  stream: vscode.ChatResponseStream,
  token: vscode.CancellationToken,
): Promise<vscode.ChatResult> {
  if (await explainMissingModel(services, stream)) return { metadata: {} };
  const context = await chatContext(services.workspaceRoot, request.references, mentionsChanges(prompt));
  if (token.isCancellationRequested) return { metadata: {} };
  const job =
    intent.kind === 'persona'
      ? await services.jobs.ask({ persona: intent.persona, task: intent.task, context, source: 'chat' })
      : (await services.jobs.askPanel({ personas: intent.personas ?? DEFAULT_PANEL, task: intent.task, context, source: 'chat' })).parent;
  return followInChat(services, job, intent.task, stream, token);
}

/** `/workflow <id> [what to pay attention to]`: starts it on the attached file or folder, the git changes, or the active file; no id (or an unknown one) lists them. */
async function runWorkflow(
  services: PersonaServices,
  intent: Extract<ChatIntent, { kind: 'workflow' }>,
  request: vscode.ChatRequest,
  prompt: string,
  stream: vscode.ChatResponseStream,
  token: vscode.CancellationToken,
): Promise<vscode.ChatResult> {
  const workflows = services.workflowRegistry.list();
  const workflow = intent.workflowId === undefined ? undefined : workflows.find((w) => w.id === intent.workflowId);
  if (!workflow) {
    const lines = [intent.workflowId === undefined ? 'Name a workflow after `/workflow`; it runs on the attached file or folder, the git changes ("changes"), or the active file.' : `There is no workflow "${intent.workflowId.slice(0, 80)}". Name one of these after \`/workflow\`:`, ''];
    if (workflows.length === 0) lines.push('No workflows are loaded: check `.agent-os/workflows` in the workspace; the Problems panel lists files that failed to load.');
    for (const w of workflows) lines.push(`- \`${w.id}\` — ${w.title} (on ${targetLabel(w)}, ${countOf(w.phases.length, 'phase')})`);
    stream.markdown(lines.join('\n'));
    return { metadata: {} };
  }
  if (await explainMissingModel(services, stream)) return { metadata: {} };
  const attached = request.references.flatMap((r) => (r.value instanceof vscode.Uri ? [r.value] : r.value instanceof vscode.Location ? [r.value.uri] : []));
  let target: string | undefined;
  if (attached[0]) target = workspaceRelative(services.workspaceRoot, attached[0]);
  else if (workflow.target === 'changes' || (workflow.target === 'any' && mentionsChanges(prompt))) target = 'changes';
  else {
    const active = vscode.window.activeTextEditor?.document.uri;
    target = active?.scheme === 'file' ? workspaceRelative(services.workspaceRoot, active) : undefined;
  }
  if (target === undefined) {
    stream.markdown(`"${workflow.title}" runs on ${targetLabel(workflow)}: attach one with \`#file\` (or \`#folder\`), open a file, or say "changes".`);
    return { metadata: {} };
  }
  const started = await startWorkflowCommand(services, { workflowId: workflow.id, target, task: intent.task || undefined, interactive: false });
  if (!started) return { metadata: {} };
  stream.markdown(`Started **${workflow.title}** on \`${target}\` (session \`${started.session.id}\`).\n\n`);
  return followInChat(services, started.job, intent.task || workflow.title, stream, token);
}

/**
 * Follows the job in the reply: its phase and percent as progress (from the job's events, never
 * a poll), then the review with its `path:line` citations as anchors, or the failure. Stopping
 * the request cancels the job.
 */
async function followInChat(services: PersonaServices, job: JobSummary, task: string, stream: vscode.ChatResponseStream, token: vscode.CancellationToken): Promise<vscode.ChatResult> {
  const cancel = (): void => void services.jobs.cancel(job.id, 'Stopped in the chat').catch(() => undefined);
  const onStop = token.onCancellationRequested(cancel);
  if (token.isCancellationRequested) cancel();
  if (job.contextNote) stream.markdown(`> ${job.contextNote}\n\n`);
  let shown = '';
  let final: JobSummary;
  try {
    final = await services.watch.whenSettled(job.id, {
      onChange: (changed) => {
        if (TERMINAL_STATUSES.has(changed.status)) return;
        const text = progressText(changed);
        if (text !== shown) {
          shown = text;
          stream.progress(text);
        }
      },
    });
  } finally {
    onStop.dispose();
  }
  const metadata: ChatReplyMetadata = { jobId: final.id, persona: final.persona, task };
  switch (final.status) {
    case 'completed': {
      const result = services.store.get(final.id)?.result ?? '';
      writeReview(services.workspaceRoot, presentedResult(services, final.id, result), stream);
      metadata.specialists = recommendedSpecialists(parseReview(result).specialists, services.registry.list().map((p) => p.id), final.persona);
      break;
    }
    case 'cancelled':
      stream.markdown(`\n\nThe ${final.persona} job was cancelled${final.error?.message ? `: ${final.error.message}` : ''}.`);
      break;
    case 'failed':
      if (final.error && MODEL_SETUP_CODES.has(final.error.code)) writeModelHelp(stream, final.error.message);
      else stream.markdown(`**${final.persona} job failed** (${final.error?.code ?? 'error'}): ${final.error?.message ?? 'no reason was recorded'}\n\nWhat to do: ${final.error?.hint ?? 'retry the job'}`);
      break;
    default:
      // The job was deleted while followed (a store reset): nothing more to show.
      stream.markdown(`\n\nThe ${final.persona} job is ${final.status}; the Persona Jobs view follows it.`);
  }
  writeButtons(services, final, task, stream);
  return { metadata };
}

function progressText(job: JobSummary): string {
  if (job.status === 'queued') return `${job.persona}: queued`;
  const model = job.modelLabel ? ` (${job.modelLabel})` : '';
  return `${job.persona}: ${job.phase ?? job.status} ${job.percent}%${model}${job.message ? ` — ${job.message}` : ''}`;
}

/**
 * The review as every surface shows it: suppressed findings cut and listed at the end,
 * pre-existing ones apart (src/findings/present.ts); the stored result if that fails.
 */
function presentedResult(services: PersonaServices, jobId: string, stored: string): string {
  try {
    return services.findings.present(jobId, 'apart').markdown || stored;
  } catch {
    return stored;
  }
}

/** The review as markdown, each `path:line` naming a workspace file an anchor that opens it at that line. */
function writeReview(root: string, result: string, stream: vscode.ChatResponseStream): void {
  const isFile = workspaceFileCheck(root);
  for (const segment of splitPathLines(result, isFile)) {
    if (segment.kind === 'text') {
      stream.markdown(segment.value);
    } else {
      const { path, line, endLine, text } = segment.target;
      const uri = vscode.Uri.file(resolveInWorkspace(root, path));
      stream.anchor(new vscode.Location(uri, new vscode.Range(line - 1, 0, endLine - 1, 0)), text);
    }
  }
}

function writeButtons(services: PersonaServices, job: JobSummary, task: string, stream: vscode.ChatResponseStream): void {
  stream.button({ command: REVEAL_JOB_COMMAND, title: 'Open in Persona Jobs', arguments: [job.id] });
  if (job.status === 'failed' || job.status === 'cancelled') {
    stream.button({ command: 'agentOsPersonas.retryJob', title: 'Retry', arguments: [job.id] });
  }
  // The panel gets the job's context as it was built (already cut to the limit), not a new pick.
  const context = services.store.get(job.id)?.context ?? '';
  stream.button({ command: 'agentOsPersonas.askPanel', title: 'Ask the Panel', arguments: [{ personas: DEFAULT_PANEL, task, context, interactive: true }] });
}

/**
 * The chat's references as the job's context, through the palette's own builders: `#file` →
 * the file (read and cut by PersonaJobs like a picked file), a selection → its lines, the git
 * changes when asked; none of these → the active editor (selection, else file).
 */
export async function chatContext(root: string, references: readonly vscode.ChatPromptReference[], changes: boolean): Promise<ContextRequest> {
  const files: string[] = [];
  const sources: ContextSource[] = [];
  let diff = changes;
  for (const reference of references) {
    const value = reference.value;
    if (value instanceof vscode.Location) {
      const doc = await vscode.workspace.openTextDocument(value.uri);
      sources.push(documentContext(doc, value.range.isEmpty ? undefined : value.range));
    } else if (value instanceof vscode.Uri) {
      files.push(workspaceRelative(root, value));
    } else if (/(^|\W)changes$/i.test(reference.id)) {
      diff = true;
    }
  }
  if (files.length === 0 && sources.length === 0 && !diff) return collectContext(root, 'auto');
  return {
    ...(sources.length > 0 ? { sources } : {}),
    ...(files.length > 0 ? await collectContext(root, 'files', files) : {}),
    // #changes: what the branch changed since its branch point (the changes against HEAD when there is no base to find).
    ...(diff ? await collectContext(root, 'branch') : {}),
  };
}

/** A reference's workspace-relative path; one outside the folder is refused by its name only. */
function workspaceRelative(root: string, uri: vscode.Uri): string {
  const name = basename(uri.path) || uri.toString(true).slice(0, 80);
  const rel = uri.scheme === 'file' ? relative(root, uri.fsPath) : '..';
  if (rel === '') return '.';
  if (rel.startsWith('..') || isAbsolute(rel)) {
    throw new PersonaError('INVALID_INPUT', `"${name}" is not in the open folder, so it cannot go along as context.`, 'Attach a file of the open folder (#file), or select code in it.');
  }
  return rel.split(sep).join('/');
}

/** Says how to set a model when none can answer; true when it did (no job is started then). */
async function explainMissingModel(services: PersonaServices, stream: vscode.ChatResponseStream): Promise<boolean> {
  const described = await services.models.describe();
  if (described.kind === 'demo') return false;
  try {
    // No network: for Anthropic it checks the key, for vscode-lm it asks VS Code for the model.
    await services.models.resolve();
    return false;
  } catch (err) {
    const known = asPersonaError(err);
    if (!known || !MODEL_SETUP_CODES.has(known.code)) return false;
    writeModelHelp(stream, known.message);
    return true;
  }
}

function writeModelHelp(stream: vscode.ChatResponseStream, why: string): void {
  stream.markdown(
    [
      `**No model can answer yet.** ${why}`,
      '',
      'Pick one:',
      '- **An Anthropic API key**: run "Personas: Set Anthropic API Key" (kept in VS Code\'s SecretStorage), or start VS Code with `ANTHROPIC_API_KEY` set.',
      '- **The built-in demo model** (offline, canned reviews to try things out): set `agentOsPersonas.model.provider` to `demo`, or to `auto` with no key.',
      '- **A chat model of VS Code** (such as GitHub Copilot): set `agentOsPersonas.model.provider` to `vscode-lm`, and `agentOsPersonas.model.vscodeLmSelector` to pick one.',
      '',
      'Then ask again.',
    ].join('\n'),
  );
  stream.button({ command: 'agentOsPersonas.setApiKey', title: 'Set Anthropic API Key' });
  stream.button({ command: USE_DEMO_MODEL_COMMAND, title: 'Use the Demo Model' });
  stream.button({ command: 'workbench.action.openSettings', title: 'Open Model Settings', arguments: ['agentOsPersonas.model'] });
}

function writeHelp(stream: vscode.ChatResponseStream, said: string | undefined, personaIds: readonly string[]): void {
  const commands = Object.keys(PERSONA_COMMANDS).map((c) => `\`/${c}\``).join(', ');
  const lines = [
    ...(said ? [`"${said.slice(0, 80)}" is not a command or a loaded persona.`, ''] : []),
    '**@personas** asks a persona to review your code. Each answer is a durable job in the Persona Jobs view: it keeps running if the chat is closed.',
    '',
    `- ${commands}: ask that persona, e.g. \`@personas /security review payments\`.`,
    `- \`/workflow <id>\`: run a phase-gated workflow (the ${WORKFLOW_PERSONA} persona) on the attached file; without an id it lists them.`,
    `- \`/panel <task>\`: ${DEFAULT_PANEL.join(', ')} (or the persona ids you name first) on the same task, one merged report.`,
    '- `/standards <words>`: search the approved standards.',
    '- Any loaded persona by naming it first: `@personas accessibility check this page`.',
    '',
    'What goes along: the files (`#file`) and selections you attach; else the active editor. Say "changes" for the git changes.',
    '',
    `Personas loaded: ${personaIds.length > 0 ? personaIds.map((id) => `\`${id}\``).join(', ') : 'none (check the Problems panel)'}.`,
  ];
  stream.markdown(lines.join('\n'));
}

async function writeStandards(services: PersonaServices, query: string, stream: vscode.ChatResponseStream): Promise<void> {
  if (!query) {
    stream.markdown('Say what to look for after `/standards`, e.g. `/standards sql injection`.');
    return;
  }
  const hits = await services.standards.search({ query, limit: 10 });
  if (hits.length === 0) {
    const { files } = services.standards.size;
    stream.markdown(files === 0 ? 'There are no approved standards yet: approve a proposal in the Standards view, or add a file under `.agent-os/standards/<domain>/<topic>.md`.' : `No approved standard matches "${query.slice(0, 200)}" (${files} standards searched).`);
    return;
  }
  stream.markdown(`Standards matching "${query.slice(0, 200)}", best first:\n\n`);
  hits.forEach((hit, i) => {
    stream.markdown(`${i + 1}. **${escapeMarkdown(hit.heading || hit.title)}** (${escapeMarkdown(hit.domain)}) `);
    const uri = vscode.Uri.file(resolveInWorkspace(services.workspaceRoot, hit.path));
    stream.anchor(new vscode.Location(uri, new vscode.Position(Math.max(0, hit.line - 1), 0)), `${hit.path}:${hit.line}`);
    stream.markdown(`\n   ${escapeMarkdown(hit.snippet.replace(/\s+/g, ' ').trim())}\n`);
  });
}

/** Follow-ups: the specialists the review recommended, on the same task. */
export function chatFollowups(metadata: ChatReplyMetadata | undefined): vscode.ChatFollowup[] {
  const task = metadata?.task;
  if (!Array.isArray(metadata?.specialists) || typeof task !== 'string') return [];
  return metadata.specialists.map((id) => {
    const command = Object.entries(PERSONA_COMMANDS).find(([, persona]) => persona === id)?.[0];
    return command
      ? { prompt: task, label: `Ask ${id}`, command, participant: CHAT_PARTICIPANT_ID }
      : { prompt: `${id} ${task}`, label: `Ask ${id}`, participant: CHAT_PARTICIPANT_ID };
  });
}

function writeError(stream: vscode.ChatResponseStream, err: unknown): void {
  const known = asPersonaError(err);
  const text = known ? `**${known.code}**: ${known.message}\n\nWhat to do: ${known.hint}` : `Unexpected error: ${err instanceof Error ? err.message : String(err)}`;
  try {
    stream.markdown(text);
  } catch {
    // The reply was closed (the chat was cleared): nowhere left to say it.
  }
}

/**
 * A PersonaError by its shape, not its class: the services may come from another copy of this
 * code (the bundle, when a test loads this module from out/), whose class is not this one.
 */
function asPersonaError(err: unknown): { code: string; message: string; hint: string } | undefined {
  if (err instanceof PersonaError) return err;
  if (!(err instanceof Error)) return undefined;
  const { code, hint } = err as Error & { code?: unknown; hint?: unknown };
  return typeof code === 'string' && typeof hint === 'string' ? { code, message: err.message, hint } : undefined;
}

function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_[\]<>#|])/g, '\\$1');
}
