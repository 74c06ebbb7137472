import assert from 'node:assert/strict';
import { parseHeaders, tracingDecision } from '../../src/telemetry/tracingConfig';

describe('tracing settings: the setting, then the OpenTelemetry environment variables', () => {
  it('is off with neither, and when OTEL_SDK_DISABLED=true', () => {
    assert.deepEqual(tracingDecision({}, {}), { on: false, problem: null });
    assert.deepEqual(tracingDecision({ otlpEndpoint: '  ' }, {}), { on: false, problem: null });
    assert.deepEqual(tracingDecision({ otlpEndpoint: 'http://localhost:4318' }, { OTEL_SDK_DISABLED: 'true' }), { on: false, problem: null });
  });

  it('adds /v1/traces to a base endpoint (setting or OTEL_EXPORTER_OTLP_ENDPOINT), takes the traces variable as it is', () => {
    const url = (settings: { otlpEndpoint?: string }, env: NodeJS.ProcessEnv): string | null => {
      const d = tracingDecision(settings, env);
      return d.on ? d.config.tracesUrl : null;
    };
    assert.equal(url({ otlpEndpoint: 'http://localhost:4318' }, {}), 'http://localhost:4318/v1/traces');
    assert.equal(url({ otlpEndpoint: 'http://localhost:4318/v1/traces/' }, {}), 'http://localhost:4318/v1/traces');
    assert.equal(url({}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'https://api.honeyhive.ai/opentelemetry' }), 'https://api.honeyhive.ai/opentelemetry/v1/traces');
    assert.equal(url({}, { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://collector.example/custom', OTEL_EXPORTER_OTLP_ENDPOINT: 'https://other.example' }), 'https://collector.example/custom');
    // The setting wins over the environment.
    assert.equal(url({ otlpEndpoint: 'http://127.0.0.1:4318' }, { OTEL_EXPORTER_OTLP_ENDPOINT: 'https://other.example' }), 'http://127.0.0.1:4318/v1/traces');
  });

  it('reads the headers from the environment only, URL-decoded, the traces variable over the general one', () => {
    const d = tracingDecision({ otlpEndpoint: 'http://localhost:4318' }, { OTEL_EXPORTER_OTLP_HEADERS: 'Authorization=Bearer%20hh-key,x-project=a', OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-project=b' });
    assert.ok(d.on);
    assert.deepEqual(d.config.headers, { Authorization: 'Bearer hh-key', 'x-project': 'b' });
    assert.deepEqual(parseHeaders('=x,novalue,k = v%ZZ ,'), { k: 'v%ZZ' });
  });

  it('refuses a non-URL or a non-http scheme by naming the setting or variable, and never echoes the value', () => {
    const bad = tracingDecision({ otlpEndpoint: 'not a url secret-token-123' }, {});
    assert.equal(bad.on, false);
    assert.match(!bad.on ? (bad.problem ?? '') : '', /"agentOsPersonas\.telemetry\.otlpEndpoint" is not a URL/);
    assert.ok(!(!bad.on && bad.problem?.includes('secret-token-123')));
    const ftp = tracingDecision({}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'ftp://user:pw@host/x' });
    assert.match(!ftp.on ? (ftp.problem ?? '') : '', /OTEL_EXPORTER_OTLP_ENDPOINT uses ftp, and only http and https/);
    assert.ok(!(!ftp.on && ftp.problem?.includes('pw')));
  });

  it('shows the endpoint in the log without user, password or query', () => {
    const d = tracingDecision({ otlpEndpoint: 'https://me:pw@collector.example:4318/?token=abc' }, {});
    assert.ok(d.on);
    assert.equal(d.config.shownEndpoint, 'https://collector.example:4318/v1/traces');
  });
});
