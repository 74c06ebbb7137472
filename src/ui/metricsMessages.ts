// The Metrics webview's messages, both ways. What the webview sends is untrusted: the zod schema
// below is the only check of its shape, and a message that fails it is ignored (and logged).
// No `vscode` import: unit tests check these in plain Node.
import { z } from 'zod';
import { METRICS_RANGES } from '../metrics/reportTypes';
import type { MetricsViewModel } from './metricsModel';

export const MetricsWebviewMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('ready') }),
  /** The range picker and the persona filter; a persona that has no runs simply shows an empty report. */
  z.strictObject({ type: z.literal('query'), range: z.enum(METRICS_RANGES), persona: z.string().min(1).max(200).nullable() }),
]);

export type MetricsWebviewMessage = z.infer<typeof MetricsWebviewMessageSchema>;

/** The message, or a short reason to log (never the message itself). */
export function parseMetricsMessage(raw: unknown): { message: MetricsWebviewMessage } | { problem: string } {
  const parsed = MetricsWebviewMessageSchema.safeParse(raw);
  if (parsed.success) return { message: parsed.data };
  const type = raw !== null && typeof raw === 'object' && 'type' in raw ? JSON.stringify(raw.type)?.slice(0, 40) : typeof raw;
  const issue = parsed.error.issues[0];
  return { problem: `type ${type}: ${issue ? `${issue.path.join('.') || '(message)'}: ${issue.message}` : 'invalid'}` };
}

export type MetricsHostMessage =
  | { type: 'report'; view: MetricsViewModel }
  /** No report to show (no folder, the store still opening, or the metrics could not be read): says why and what to do. */
  | { type: 'unavailable'; notice: string };
