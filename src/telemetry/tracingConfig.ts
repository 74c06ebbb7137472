/**
 * Whether tracing is on, and where spans go: from the setting `agentOsPersonas.telemetry.otlpEndpoint`
 * (VS Code) or the standard OpenTelemetry variables (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`,
 * `OTEL_EXPORTER_OTLP_ENDPOINT`, `OTEL_EXPORTER_OTLP_HEADERS`). No OpenTelemetry module is
 * imported here: deciding "off" must cost nothing.
 *
 * Headers (where an exporter's credentials go) come from the environment only: a setting is
 * synced and shown in plain text, so a key in one would leak.
 */

export interface TelemetrySettings {
  /** `agentOsPersonas.telemetry.otlpEndpoint`: the OTLP/HTTP base URL (`/v1/traces` is added), or a URL already ending in it. */
  otlpEndpoint?: string;
  /** `agentOsPersonas.telemetry.captureContent`: prompt, answer and tool text in spans. */
  captureContent?: boolean;
}

export interface TracingConfig {
  /** Where the OTLP/HTTP exporter posts (…/v1/traces). */
  tracesUrl: string;
  headers: Record<string, string>;
  captureContent: boolean;
  /** The endpoint as it may be shown in the log: scheme, host and path only (no user, password or query). */
  shownEndpoint: string;
}

export type TracingDecision = { on: true; config: TracingConfig } | { on: false; problem: string | null };

const TRACES_PATH = '/v1/traces';

/** Reads the setting first, then the environment; anything unusable leaves tracing off and says why (never echoing a secret). */
export function tracingDecision(settings: TelemetrySettings, env: NodeJS.ProcessEnv): TracingDecision {
  if (/^true$/i.test(env['OTEL_SDK_DISABLED'] ?? '')) return { on: false, problem: null };
  const setting = settings.otlpEndpoint?.trim();
  const tracesEnv = env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']?.trim();
  const baseEnv = env['OTEL_EXPORTER_OTLP_ENDPOINT']?.trim();
  let source: string;
  let raw: string;
  let base: boolean;
  if (setting) {
    [source, raw, base] = ['"agentOsPersonas.telemetry.otlpEndpoint"', setting, true];
  } else if (tracesEnv) {
    // The signal-specific variable is used as it is, as the OpenTelemetry specification says.
    [source, raw, base] = ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', tracesEnv, false];
  } else if (baseEnv) {
    [source, raw, base] = ['OTEL_EXPORTER_OTLP_ENDPOINT', baseEnv, true];
  } else {
    return { on: false, problem: null };
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { on: false, problem: `Tracing stays off: ${source} is not a URL. Set it to an OTLP/HTTP endpoint such as http://localhost:4318.` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { on: false, problem: `Tracing stays off: ${source} uses ${url.protocol.replace(/:$/, '')}, and only http and https OTLP endpoints are supported. Set it to an OTLP/HTTP endpoint such as http://localhost:4318.` };
  }
  if (base) {
    const path = url.pathname.replace(/\/+$/, '');
    url.pathname = path.endsWith(TRACES_PATH) ? path : `${path}${TRACES_PATH}`;
  }
  const headers = { ...parseHeaders(env['OTEL_EXPORTER_OTLP_HEADERS']), ...parseHeaders(env['OTEL_EXPORTER_OTLP_TRACES_HEADERS']) };
  return { on: true, config: { tracesUrl: url.href, headers, captureContent: settings.captureContent === true, shownEndpoint: `${url.protocol}//${url.host}${url.pathname}` } };
}

/** `key=value,key2=value2` with URL-encoded values (the OpenTelemetry format); malformed pairs are skipped. */
export function parseHeaders(text: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const pair of (text ?? '').split(',')) {
    const at = pair.indexOf('=');
    if (at <= 0) continue;
    const key = pair.slice(0, at).trim();
    let value = pair.slice(at + 1).trim();
    try {
      value = decodeURIComponent(value);
    } catch {
      // A value that is not valid percent-encoding is used as written.
    }
    if (key) headers[key] = value;
  }
  return headers;
}
