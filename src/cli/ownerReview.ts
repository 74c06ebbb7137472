import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { CallToolResultSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { PersonaError } from '../core/errors';
import { connectToStoreOwner } from '../mcp/endpointTrust';
import { ownerToolAnswer, type ToolFailure } from './ownerAnswer';
import { SERVER_VERSION } from '../mcp/server';
import { EXIT } from './exitCodes';
import type { ReviewArgs } from './reviewArgs';
import { failOnExit, renderReview, workspaceInRepository } from './reviewOutput';
import { ownerFindings, ownerPersonas } from './ownerFindings';

/** What `review` asks for, as the MCP tools take it: files by workspace path, anything else as text. */
export interface OwnerReviewRequest {
  workspaceRoot: string;
  args: ReviewArgs;
  /** Context already formatted here (the working tree's diff, or the changes since --base): the owner's tools take text, not a diff flag. */
  context?: string;
  /** package.json's version, for SARIF's tool. */
  toolVersion: string;
  /** One line per event for stderr. */
  log: (line: string) => void;
  /** The rendered review, for stdout or --output. */
  emit: (text: string) => void;
  /** Aborted by Ctrl+C or SIGTERM: the owner's job is cancelled. */
  signal: AbortSignal;
}

/** A job as check_persona_job shows it; `error` is a failed job's. */
interface JobAnswer {
  job_id: string;
  status: string;
  result?: string;
  /** What the owner's presentation did (src/mcp/jobView.ts FindingsCounts); only the flag is read here. */
  findings?: { not_in_template?: boolean };
  error?: ToolFailure;
  created_at?: string;
  finished_at?: string | null;
}

/** The owner's check_persona_job blocks at most this long per call (MAX_WAIT_SECONDS). */
const WAIT_SECONDS = 50;
const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

/**
 * `review` in a folder whose job store another process owns (VS Code, an `mcp` server): the job
 * is handed to that owner over its MCP endpoint, the one the stdio proxy of `mcp` follows and
 * under the same checks (connectToStoreOwner), so it lands in the same store and shows in the
 * editor's Persona Jobs; progress comes back as MCP progress notifications and the review is
 * printed here. Resolves with the exit code; throws STORE_LOCKED when the owner cannot be
 * trusted or reached (nothing ran).
 */
export async function reviewThroughOwner(request: OwnerReviewRequest): Promise<number> {
  const client = new Client({ name: 'agent-os-personas-cli', version: SERVER_VERSION });
  const { url } = await connectToStoreOwner(request.workspaceRoot, client, fetch);
  try {
    request.log(`Another process owns this folder's job store; the review runs there (${url}) and shows in its job list.`);
    const { args } = request;
    const material = { task: args.task, ...(args.files.length > 0 ? { files: args.files } : {}), ...(request.context ? { context: request.context } : {}) };
    const started = args.personas.length === 1 ? await call(client, 'invoke_persona', { persona: args.personas[0], ...material }) : await call(client, 'invoke_panel', { personas: args.personas, ...material });
    if ('failure' in started) {
      printFailure(request, started.failure);
      return EXIT.COULD_NOT_RUN;
    }
    const jobId = started.answer.job_id;
    request.log(`job ${jobId} queued`);
    let last = started.answer;
    let shown = '';
    while (!TERMINAL.has(last.status) && !request.signal.aborted) {
      const checked = await call(client, 'check_persona_job', { job_id: jobId, wait_seconds: WAIT_SECONDS }, request.signal, (message) => {
        if (message !== shown) request.log(message);
        shown = message;
      }).catch((err: unknown) => {
        if (request.signal.aborted) return undefined;
        throw err;
      });
      if (!checked) break;
      if ('failure' in checked) throw new PersonaError('INTERNAL', `The owner could not report job ${jobId}: ${checked.failure.message}`, checked.failure.hint);
      last = checked.answer;
    }
    if (request.signal.aborted && !TERMINAL.has(last.status)) {
      const reason = String(request.signal.reason);
      await call(client, 'cancel_persona_job', { job_id: jobId }).catch(() => undefined);
      request.log(`cancelled: job ${jobId} (${reason})`);
      return reason === 'SIGINT' ? 130 : 143;
    }
    if (last.status !== 'completed') {
      // The job ran in the owner, with the owner's settings and key: its hint is the owner's to give.
      printFailure(request, last.error ?? { code: last.status, message: `The job ended ${last.status}.`, hint: '' }, last.status);
      request.log('The job ran in the process that owns this folder (its settings and key applied); its job list has the details.');
      return EXIT.JOB_FAILED;
    }
    // The owner presents the result (suppressions applied, an audit footer); the rows come from list_findings.
    const presented = await ownerFindings(client, jobId, last.result ?? '', args.includePreexisting, last.findings?.not_in_template === true);
    request.emit(
      renderReview(args.format, {
        job: { id: jobId, personas: args.personas, task: args.task, status: last.status, createdAt: last.created_at ?? null, finishedAt: last.finished_at ?? null },
        presented,
        personas: await ownerPersonas(client, args.personas),
        toolVersion: request.toolVersion,
        includePreexisting: args.includePreexisting,
        workspaceInRepository: await workspaceInRepository(request.workspaceRoot),
      }),
    );
    return failOnExit(presented.remaining, args.failOn);
  } finally {
    await client.close().catch(() => undefined);
  }
}

function printFailure(request: OwnerReviewRequest, failure: ToolFailure, status?: string): void {
  request.log(`${status ? `${status}: ` : ''}${failure.code}: ${failure.message}`);
  if (failure.hint) request.log(failure.hint);
}

/** One tool call; its JSON answer, or the error it answered with. */
async function call(client: Client, name: string, args: Record<string, unknown>, signal?: AbortSignal, onProgress?: (message: string) => void): Promise<{ answer: JobAnswer } | { failure: ToolFailure }> {
  const result = (await client.callTool({ name, arguments: args }, CallToolResultSchema, {
    ...(signal ? { signal } : {}),
    // A wait of WAIT_SECONDS, with room; progress notifications keep it alive.
    timeout: (WAIT_SECONDS + 30) * 1000,
    resetTimeoutOnProgress: true,
    ...(onProgress ? { onprogress: (p: { message?: string }) => p.message && onProgress(p.message) } : {}),
  })) as CallToolResult;
  const out = ownerToolAnswer(result);
  return 'failure' in out ? out : { answer: out.answer as JobAnswer };
}
