/**
 * Turns tracing on for a set of services, or leaves everything untouched. The OpenTelemetry SDK
 * lives in its own bundle (dist/telemetry.js, built from otelTracing.ts) and is required here
 * only when tracing is on: with tracing off the extension, the CLI and the workers load no
 * OpenTelemetry module at all.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ToolCallHook } from '../core/toolCalls';
import type { JobStore } from '../jobs/jobStore';
import type { PoolTracing } from '../jobs/workerPool';
import type { JobTracing, TracingOptions } from './otelTracing';
import { tracingDecision, type TelemetrySettings } from './tracingConfig';

/** The parts of the services tracing hooks into (PersonaServices has them). */
export interface TracedServices {
  store: JobStore;
  pool: { tracing: PoolTracing | null };
  toolCallHooks: ToolCallHook[];
}

export interface EnableTracingOptions {
  /** Folder holding dist/telemetry.js. */
  extensionRoot: string;
  settings: TelemetrySettings;
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
  serviceVersion: string;
  /** Tests and the bench send batches sooner. */
  scheduledDelayMillis?: number;
  maxQueueSize?: number;
  exportTimeoutMillis?: number;
}

type TelemetryModule = { startTracing: (options: TracingOptions) => JobTracing };

/**
 * Tracing per the settings and environment, attached to `services`, or null when it is off.
 * Tracing ends with the services: their pool's shutdown flushes it (PoolTracing.shutdown).
 */
export function enableTracing(services: TracedServices, options: EnableTracingOptions): JobTracing | null {
  const decision = tracingDecision(options.settings, options.env);
  if (!decision.on) {
    if (decision.problem) options.log(decision.problem);
    return null;
  }
  const bundle = join(options.extensionRoot, 'dist', 'telemetry.js');
  if (!existsSync(bundle)) {
    options.log('Tracing stays off: dist/telemetry.js is missing from this installation (run "npm run build" in a checkout).');
    return null;
  }
  let tracing: JobTracing;
  try {
    // A runtime path, not a static import: bundlers must not pull the SDK into the main bundles.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on demand, see above
    const telemetry = require(bundle) as TelemetryModule;
    tracing = telemetry.startTracing({
      config: decision.config,
      log: options.log,
      serviceVersion: options.serviceVersion,
      scheduledDelayMillis: options.scheduledDelayMillis,
      maxQueueSize: options.maxQueueSize,
      exportTimeoutMillis: options.exportTimeoutMillis,
    });
  } catch (err) {
    // Tracing is an extra: whatever goes wrong starting it, the services run without it.
    const message = (err instanceof Error ? err.message : String(err)).split(options.extensionRoot).join('<extension>');
    options.log(`Tracing stays off: it could not start (${message}).`);
    return null;
  }
  tracing.attach(services.store, services.pool);
  // Outermost: the span covers the other hooks (metrics) too.
  services.toolCallHooks.unshift(tracing.toolCallHook);
  options.log(`Tracing on: spans go to ${decision.config.shownEndpoint}${decision.config.captureContent ? ' (with prompt and answer text)' : ''}.`);
  return tracing;
}
