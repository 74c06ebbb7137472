import { redactSecrets } from '../core/redact';

/** The channel methods that write text; everything else passes through untouched. */
const WRITERS = new Set(['trace', 'debug', 'info', 'warn', 'error', 'append', 'appendLine', 'replace']);

/**
 * `channel` with every line it writes passed through the redactor: the log quotes errors from
 * endpoints, and a log is copied into bug reports. Kept free of a runtime `vscode` import so
 * plain Node tests can run it on a stand-in channel.
 */
export function redactingLog<T extends object>(channel: T): T {
  return new Proxy(channel, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property);
      if (typeof value !== 'function') return value;
      // Bound to the real channel: its methods may rely on private state a proxy does not carry.
      const method = (value as (...args: unknown[]) => unknown).bind(target);
      if (typeof property !== 'string' || !WRITERS.has(property)) return method;
      return (...args: unknown[]) => method(...args.map(scrub));
    },
  });
}

function scrub(value: unknown): unknown {
  if (typeof value === 'string') return redactSecrets(value);
  if (value instanceof Error) return redactSecrets(value.stack ?? value.message);
  return value;
}
