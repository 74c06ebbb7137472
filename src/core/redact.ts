/**
 * Takes credentials out of text that came from outside (an endpoint's error body, a URL from the
 * settings) before it is stored in a job row, logged, printed or handed to a model: an endpoint
 * may echo the key it was sent, and a base URL may carry `user:password@`.
 *
 * Two passes: the secrets the caller knows (the API key) wherever they appear, then patterns
 * that catch credentials whose value nobody passed in. Every pattern has no nested or
 * overlapping quantifiers (and the one open-ended prefix is bounded), so each runs in linear
 * time on any input, however hostile.
 */
export const REDACTED = '[redacted]';

/** Shorter "secrets" are no real keys (the demo model's is "demo") and would shred ordinary words. */
const MIN_SECRET_LENGTH = 8;

const PATTERNS: readonly (readonly [RegExp, string])[] = [
  // Header-like and JSON values, also JSON escaped inside JSON: `Authorization: Bearer x`,
  // `x-api-key=x`, `"api-key":"x"`, `\"proxy-authorization\":\"Basic x\"`.
  [/\b((?:proxy-)?authorization|x-api-key|api[-_]?key)(\\?["']?\s*[:=]\s*\\?["']?)(?:(?:bearer|basic|token)\s+)?[^\s"'\\,;&]+/gi, `$1$2${REDACTED}`],
  [/\bbearer\s+[\w.~+/=-]+/gi, `Bearer ${REDACTED}`],
  // URL credentials, user:password or user alone: scheme://***@host.
  [/([a-z][a-z\d+.-]{0,31}:\/\/)[^\s/?#"'<>]+@/gi, '$1***@'],
  [/sk-ant-[\w-]+/g, REDACTED],
  // Query and form parameters: ?api_key=x, &token=x.
  [/\b((?:api[-_]?key|access[-_]?token|key|token|password|secret)=)[^\s&#"'<>\\]+/gi, `$1${REDACTED}`],
];

/** `text` with every known secret (and its URL-encoded form) and every credential-looking value replaced by `[redacted]`. */
export function redactSecrets(text: string, knownSecrets: readonly string[] = []): string {
  let out = text;
  for (const secret of knownSecrets) {
    if (secret.length < MIN_SECRET_LENGTH) continue;
    for (const form of new Set([secret, encodeURIComponent(secret)])) out = out.split(form).join(REDACTED);
  }
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}
