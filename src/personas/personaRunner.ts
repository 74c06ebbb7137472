import Anthropic from '@anthropic-ai/sdk';
import { PersonaError } from '../core/errors';
import type { JobOutcome, JobProgress } from '../jobs/types';
import type { ModelConfig } from './modelConfig';
import { mapModelError } from './modelErrors';

export interface PersonaRunInput {
  personaId: string;
  systemPrompt: string;
  task: string;
  context: string;
  contextNote: string | null;
  /** The persona's own model, when its front matter names one (Anthropic only). */
  personaModel: string | null;
  /** The answer length progress is measured against (the persona's typical one). */
  expectedOutputChars?: number;
}

/** The answer length progress aims at without history; percent never claims 100 before the end. */
export const DEFAULT_EXPECTED_OUTPUT_CHARS = 3000;

/**
 * Runs one persona request against the Messages API, streaming, and reports progress at
 * each checkpoint. `signal` aborts the HTTP request at once (the SDK closes the socket).
 */
export async function runPersona(
  input: PersonaRunInput,
  config: ModelConfig,
  signal: AbortSignal,
  onProgress: (p: JobProgress) => void,
): Promise<JobOutcome> {
  onProgress({ phase: 'initializing', percent: 2, message: `Preparing the request for ${config.label}` });
  const client = new Anthropic({
    apiKey: config.apiKey,
    ...(config.baseURL ? { baseURL: config.baseURL } : {}),
    maxRetries: config.maxRetries,
    timeout: config.idleTimeoutMs,
  });
  const model = config.kind === 'anthropic' && input.personaModel ? input.personaModel : config.model;
  const request = new AbortController();
  const idle = new IdleWatchdog(config.idleTimeoutMs, () => request.abort(new PersonaError('MODEL_TIMEOUT', `${config.label} sent nothing for ${Math.round(config.idleTimeoutMs / 1000)} s.`, 'Retry the job; if it keeps happening raise "agentOsPersonas.model.requestTimeoutSeconds".')));
  const onAbort = (): void => request.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    if (signal.aborted) throw new PersonaError('CANCELLED', 'The job was cancelled before it started.', 'Nothing to do.');
    onProgress({ phase: 'analyzing', percent: 8, message: `Waiting for ${config.label}` });
    const stream = client.messages.stream(
      {
        model,
        max_tokens: config.maxTokens,
        system: `Persona: ${input.personaId}\n\n${input.systemPrompt}`,
        messages: [{ role: 'user', content: userMessage(input) }],
      },
      { signal: request.signal },
    );
    let text = '';
    // A model cannot write more than max_tokens; an answer far past it is a runaway stream,
    // stopped before it can exhaust the worker's memory.
    const maxChars = Math.max(64_000, config.maxTokens * 16);
    stream.on('streamEvent', () => idle.reset());
    stream.on('text', (delta) => {
      text += delta;
      if (text.length > maxChars) {
        request.abort(new PersonaError('MODEL_ERROR', `${config.label} kept writing past ${maxChars} characters (max_tokens is ${config.maxTokens}); the answer was stopped.`, 'Retry the job; if the endpoint ignores max_tokens, check "agentOsPersonas.model.baseUrl".'));
        return;
      }
      const share = Math.min(1, text.length / (input.expectedOutputChars ?? DEFAULT_EXPECTED_OUTPUT_CHARS));
      onProgress({ phase: 'generating', percent: 10 + Math.round(85 * share), message: `${config.label} is writing`, partialOutput: text });
    });
    const final = await stream.finalMessage();
    const result = final.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
    return {
      result: decorate(result, config, input.contextNote),
      tokensIn: final.usage.input_tokens,
      tokensOut: final.usage.output_tokens,
    };
  } catch (err) {
    const reason: unknown = request.signal.reason;
    if (reason instanceof PersonaError) throw reason;
    if (signal.aborted) {
      throw new PersonaError('CANCELLED', 'The job was cancelled.', 'Nothing to do.', { cause: err });
    }
    throw mapModelError(err, config);
  } finally {
    idle.stop();
    signal.removeEventListener('abort', onAbort);
  }
}

function userMessage(input: PersonaRunInput): string {
  if (!input.context.trim()) return input.task;
  return `${input.task}\n---\n${input.context}`;
}

function decorate(result: string, config: ModelConfig, contextNote: string | null): string {
  const notes: string[] = [];
  if (contextNote) notes.push(`_${contextNote}_`);
  notes.push(`_Model: ${config.label}._`);
  return `${result.trim()}\n\n---\n${notes.join('  \n')}\n`;
}

class IdleWatchdog {
  private timer: NodeJS.Timeout;
  constructor(
    private readonly ms: number,
    private readonly onIdle: () => void,
  ) {
    this.timer = setTimeout(onIdle, ms);
  }
  reset(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(this.onIdle, this.ms);
  }
  stop(): void {
    clearTimeout(this.timer);
  }
}
