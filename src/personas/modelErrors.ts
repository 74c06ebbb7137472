import Anthropic from '@anthropic-ai/sdk';
import { PersonaError } from '../core/errors';
import { redactSecrets } from '../core/redact';
import type { ModelConfig } from './modelConfig';

const KEY_HINT = 'Run "Personas: Set Anthropic API Key" (stored in SecretStorage) or set ANTHROPIC_API_KEY; or set "agentOsPersonas.model.provider" to "demo" to try the offline demo model.';

/**
 * Maps what the Anthropic SDK throws to our error codes, each with a hint. The text quotes the
 * endpoint's error body, which a hostile or buggy endpoint may fill with the key it was sent, so
 * it leaves here with the key and any credential-looking value redacted.
 */
export function mapModelError(err: unknown, config: ModelConfig): PersonaError {
  const mapped = classify(err, config);
  const secrets = secretsOf(config);
  return new PersonaError(mapped.code, redactSecrets(mapped.message, secrets), redactSecrets(mapped.hint, secrets), { cause: mapped.cause });
}

function classify(err: unknown, config: ModelConfig): PersonaError {
  if (err instanceof PersonaError) return err;
  const where = config.kind === 'demo' ? 'the demo model' : config.kind === 'vscode-lm' ? config.label : `Anthropic (${config.baseURL ? redactSecrets(config.baseURL) : 'default endpoint'})`;
  if (err instanceof Anthropic.APIUserAbortError) {
    return new PersonaError('CANCELLED', 'The model request was cancelled.', 'Nothing to do; start the job again to rerun it.', { cause: err });
  }
  if (err instanceof Anthropic.APIConnectionTimeoutError) {
    return new PersonaError('MODEL_TIMEOUT', `${where} did not answer within ${Math.round(config.idleTimeoutMs / 1000)} s.`, 'Retry the job; if it keeps happening raise "agentOsPersonas.model.requestTimeoutSeconds" or check the network.', { cause: err });
  }
  if (err instanceof Anthropic.APIConnectionError) {
    return new PersonaError('MODEL_UNREACHABLE', `Could not reach ${where}: ${err.message}${socketDetail(err)}`, 'Check the network and "agentOsPersonas.model.baseUrl", then retry the job.', { cause: err });
  }
  if (err instanceof Anthropic.APIError) {
    const detail = apiMessage(err);
    switch (err.status) {
      case 401:
      case 403:
        return new PersonaError('BAD_API_KEY', `${where} refused the API key (${err.status}): ${detail}`, KEY_HINT, { cause: err });
      case 404:
        return new PersonaError('MODEL_NOT_FOUND', `${where} does not know the model "${config.model}": ${detail}`, 'Set "model:" in the persona file or "agentOsPersonas.model.name" to a model your key can use.', { cause: err });
      case 429:
        return new PersonaError('MODEL_RATE_LIMITED', `${where} is still rate-limiting after ${config.maxRetries} retries: ${detail}`, 'Wait a minute and retry the job, or lower "agentOsPersonas.jobs.workerCount".', { cause: err });
      case 529:
        return new PersonaError('MODEL_OVERLOADED', `${where} is overloaded (529) after ${config.maxRetries} retries.`, 'Retry the job in a few minutes.', { cause: err });
      case 400:
      case 413:
        if (/too long|too many tokens|context/i.test(detail)) {
          return new PersonaError('MODEL_CONTEXT_TOO_LONG', `The request is too long for "${config.model}": ${detail}`, 'Send a smaller selection or lower "agentOsPersonas.context.maxChars".', { cause: err });
        }
        return new PersonaError('MODEL_BAD_REQUEST', `${where} rejected the request (400): ${detail}`, 'Check the persona\'s "model:" and the "agentOsPersonas.model.*" settings; if they look right, report the request as a bug.', { cause: err });
      default:
        return new PersonaError('MODEL_ERROR', `${where} failed with HTTP ${err.status ?? '?'}: ${detail}`, 'Retry the job; if it persists, check the service status.', { cause: err });
    }
  }
  const message = err instanceof Error ? err.message : String(err);
  if (isCutStream(err)) {
    return new PersonaError('MODEL_ERROR', `${where} closed the connection in the middle of its answer (the stream was cut: ${message}).`, 'Retry the job; if it keeps happening, a proxy, VPN or gateway between here and the model may be closing long responses.', { cause: err });
  }
  return new PersonaError('MODEL_ERROR', `The model request failed: ${message}`, 'Retry the job; the output channel "Agent OS Personas" has details.', { cause: err });
}

/**
 * A response whose body stopped mid-stream: Node's fetch (undici) rejects the body's read with a
 * TypeError "terminated" caused by the socket's close, and the SDK wraps it in an error with the
 * same message, so without this the user would read only "terminated".
 */
function isCutStream(err: unknown): boolean {
  return causes(err).some((e) => e instanceof TypeError && e.message === 'terminated');
}

/** The error and its causes, outermost first (bounded: a cause chain can loop). */
function causes(err: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e = err; e !== undefined && e !== null && chain.length < 8; e = (e as { cause?: unknown }).cause) chain.push(e);
  return chain;
}

/** What the socket said under a connection error ("other side closed"), when it said anything. */
function socketDetail(err: unknown): string {
  const inner = causes(err).slice(1).filter((e): e is Error => e instanceof Error).map((e) => e.message);
  return inner.length > 0 ? ` (${inner.join(': ')})` : '';
}

export function missingKeyError(): PersonaError {
  return new PersonaError('NO_API_KEY', 'No Anthropic API key is set, and the demo model is off.', KEY_HINT);
}

/** The key, and the password of a base URL like https://user:password@host/. */
function secretsOf(config: ModelConfig): string[] {
  const password = config.baseURL && URL.canParse(config.baseURL) ? new URL(config.baseURL).password : '';
  return password ? [config.apiKey, password] : [config.apiKey];
}

function apiMessage(err: { error?: unknown; message: string }): string {
  const body = err.error as { error?: { message?: string } } | undefined;
  return body?.error?.message ?? err.message;
}
