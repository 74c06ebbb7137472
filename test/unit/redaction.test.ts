import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { PersonaError, serializeError } from '../../src/core/errors';
import { REDACTED, redactSecrets } from '../../src/core/redact';
import { JobStore } from '../../src/jobs/jobStore';
import { toolError } from '../../src/mcp/results';
import { DemoModelServer } from '../../src/personas/demoModel/server';
import type { ModelSettings } from '../../src/personas/modelResolver';
import type { PersonaServices } from '../../src/services';
import { redactingLog } from '../../src/ui/redactingLog';
import { runCli } from './cliChild';
import { startDemoServices } from './demoServices';
import { settledJob } from './settledJob';
import { useTempDir } from './tempDir';

/** Looks like no known key format, so only the known-secret pass can catch it where it stands alone. */
const KEY = 'pk-redact-7Qm2Zx9Lw4Rt8Vb';
const URL_PASSWORD = 'pw-Hq7s3cretZ';

describe('redactSecrets', () => {
  it('removes a known secret wherever it stands, also inside a longer word and URL-encoded', () => {
    assert.equal(redactSecrets(`the key ${KEY} is bad`, [KEY]), `the key ${REDACTED} is bad`);
    assert.equal(redactSecrets(`prefix${KEY}suffix`, [KEY]), `prefix${REDACTED}suffix`);
    const odd = 'k3y/with+odd=chars&more';
    assert.equal(redactSecrets(`sent ${encodeURIComponent(odd)} and ${odd}`, [odd]), `sent ${REDACTED} and ${REDACTED}`);
  });

  it('ignores a "secret" too short to be a key, so ordinary words survive', () => {
    assert.equal(redactSecrets('the demo model refused', ['demo', '']), 'the demo model refused');
  });

  it('redacts header values in header text, JSON and escaped JSON', () => {
    assert.equal(redactSecrets('Authorization: Bearer abc.def-123'), `Authorization: ${REDACTED}`);
    assert.equal(redactSecrets('proxy-authorization: Basic dXNlcjpwYXNz'), `proxy-authorization: ${REDACTED}`);
    assert.equal(redactSecrets('x-api-key: abc123, next'), `x-api-key: ${REDACTED}, next`);
    assert.equal(redactSecrets('{"x-api-key":"abc123","api-key": "def456"}'), `{"x-api-key":"${REDACTED}","api-key": "${REDACTED}"}`);
    assert.equal(redactSecrets('{\\"authorization\\":\\"Bearer abc123\\"}'), `{\\"authorization\\":\\"${REDACTED}\\"}`);
  });

  it('redacts a bare Bearer token and Anthropic-style keys', () => {
    assert.equal(redactSecrets('token was Bearer eyJhbGci.OiJIUz/I1+Ni=='), `token was Bearer ${REDACTED}`);
    assert.equal(redactSecrets('bad key sk-ant-api03-Ab_c-9Z9 here'), `bad key ${REDACTED} here`);
  });

  it('replaces URL credentials, user:password or user alone, keeping the host', () => {
    assert.equal(redactSecrets('Could not reach https://user:pa%40ss@api.example.com/v1'), 'Could not reach https://***@api.example.com/v1');
    assert.equal(redactSecrets('at http://token123@127.0.0.1:8080'), 'at http://***@127.0.0.1:8080');
  });

  it('redacts credential query parameters', () => {
    assert.equal(redactSecrets('GET /v1?api_key=abc&model=x&token=def#frag'), `GET /v1?api_key=${REDACTED}&model=x&token=${REDACTED}#frag`);
    assert.equal(redactSecrets('https://h/p?key=abc123'), `https://h/p?key=${REDACTED}`);
  });

  it('leaves clean text alone', () => {
    const clean = [
      'Could not reach Anthropic (http://127.0.0.1:4321): Connection error.',
      'Run "Personas: Set Anthropic API Key" (stored in SecretStorage) or set ANTHROPIC_API_KEY.',
      'src/a.ts:12 uses a monkey=3 default; see https://example.com/docs?page=2 and mail a@b.com',
    ];
    for (const text of clean) assert.equal(redactSecrets(text), text);
  });
});

describe('redaction at the sinks', () => {
  const tmp = useTempDir();

  it('serializeError, JobStore.fail and the MCP tool error redact by pattern, with no key given', async () => {
    const leaky = 'upstream said: Authorization: Bearer sk-ant-api03-leak1 at https://u:p4ss@h/';
    assert.doesNotMatch(JSON.stringify(serializeError(new Error(leaky))), /leak1|p4ss/);
    assert.doesNotMatch(JSON.stringify(serializeError(new PersonaError('MODEL_ERROR', leaky, `hint ${leaky}`))), /leak1|p4ss/);
    assert.doesNotMatch(JSON.stringify(toolError(new PersonaError('MODEL_ERROR', leaky, leaky))), /leak1|p4ss/);
    assert.doesNotMatch(JSON.stringify(toolError(new Error(leaky))), /leak1|p4ss/);
    const store = await JobStore.open({ dir: tmp.path });
    try {
      const job = await store.create({ persona: 'engineer', task: 'a' });
      await store.fail(job.id, { code: 'MODEL_ERROR', message: leaky, hint: leaky });
      const row = store.require(job.id);
      assert.equal(row.error?.message, `upstream said: Authorization: ${REDACTED} at https://***@h/`);
      assert.doesNotMatch(JSON.stringify(row), /leak1|p4ss/);
    } finally {
      await store.close();
    }
  });

  it('the output channel wrapper redacts every line it writes and passes the rest through', () => {
    class Channel {
      readonly lines: string[] = [];
      #shown = 0;
      info(line: string): void {
        this.lines.push(line);
      }
      error(err: string | Error): void {
        this.lines.push(typeof err === 'string' ? err : `raw ${err.message}`);
      }
      show(): number {
        return ++this.#shown;
      }
    }
    const channel = new Channel();
    const log = redactingLog(channel);
    log.info('x-api-key: abc123');
    log.error(new Error('bad key sk-ant-api03-zzz'));
    assert.equal(log.show(), 1, 'methods run on the real channel (private state intact)');
    assert.equal(channel.lines[0], `x-api-key: ${REDACTED}`);
    assert.match(channel.lines[1] ?? '', /^Error: bad key \[redacted\]/);
  });
});

describe('a hostile endpoint that echoes the key (real SDK, demo server, echo-key fault)', function () {
  this.timeout(60_000);
  let server: DemoModelServer;
  let services: PersonaServices | undefined;
  before(async () => {
    server = await DemoModelServer.start();
  });
  after(async () => {
    await server.dispose();
  });
  // Registered before the temporary folder's hook, so the store closes before its folder goes.
  afterEach(async () => {
    await services?.dispose(0);
    services = undefined;
  });
  const tmp = useTempDir();

  const anthropic = (baseUrl: string): ModelSettings => ({ provider: 'anthropic', model: 'm', baseUrl, maxTokens: 1024, requestTimeoutSeconds: 30 });

  it('the fault really echoes the key, bare and in the headers', async () => {
    const client = new Anthropic({ apiKey: KEY, baseURL: server.url, maxRetries: 0 });
    await assert.rejects(client.messages.create({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'x [[demo:echo-key]]' }] }), (err: unknown) => {
      assert.ok(err instanceof Anthropic.AuthenticationError);
      assert.match(err.message, new RegExp(`The key ${KEY} is not valid`));
      assert.match(err.message, new RegExp(`Bearer ${KEY}`));
      return true;
    });
  });

  it('a job through the services stores no trace of the key in its row', async () => {
    services = await startDemoServices(tmp.path, { modelSettings: () => anthropic(server.url), apiKey: () => Promise.resolve(KEY) });
    const job = await services.jobs.ask({ persona: 'engineer', task: 'Review [[demo:echo-key]]' });
    const row = await settledJob(services, job.id);
    assert.equal(row.status, 'failed');
    assert.equal(row.error?.code, 'BAD_API_KEY', row.error?.message);
    assert.match(row.error?.message ?? '', /refused the API key \(401\): The key \[redacted\] is not valid/, 'the endpoint\'s words are kept, the key is not');
    assert.ok(!JSON.stringify(services.store.get(job.id)).includes(KEY), `the key leaked into the row: ${row.error?.message}`);
  });

  it('a base URL with credentials shows neither in the job row', async () => {
    services = await startDemoServices(tmp.path, { modelSettings: () => anthropic(server.url.replace('http://', `http://user:${URL_PASSWORD}@`)), apiKey: () => Promise.resolve(KEY) });
    const job = await services.jobs.ask({ persona: 'engineer', task: 'Review' });
    const row = await settledJob(services, job.id);
    assert.equal(row.status, 'failed');
    assert.match(row.error?.message ?? '', /Anthropic \(http:\/\/\*\*\*@127\.0\.0\.1:\d+\)/, row.error?.message);
    assert.ok(!JSON.stringify(services.store.get(job.id)).includes(URL_PASSWORD), `the password leaked into the row: ${row.error?.message}`);
  });

  describe('the CLI (dist/cli.js review) against it', () => {
    const review = async (env: Record<string, string>): Promise<{ code: number | null; out: string }> => {
      const run = await runCli(tmp.path, ['review', '--persona', 'engineer', '--task', 'Review [[demo:echo-key]]'], { env: { AGENT_OS_PROVIDER: 'anthropic', ANTHROPIC_AUTH_TOKEN: undefined, ...env } });
      return { code: run.code, out: `${run.stdout}${run.stderr}` };
    };

    it('prints no trace of the echoed key on stdout or stderr', async () => {
      const { code, out } = await review({ ANTHROPIC_BASE_URL: server.url, ANTHROPIC_API_KEY: KEY });
      assert.equal(code, 1, out);
      assert.match(out, /^failed: .*refused the API key \(401\)/m);
      assert.ok(!out.includes(KEY), `the key was printed:\n${out}`);
    });

    it('prints no credentials of ANTHROPIC_BASE_URL', async () => {
      const { code, out } = await review({ ANTHROPIC_BASE_URL: server.url.replace('http://', `http://user:${URL_PASSWORD}@`), ANTHROPIC_API_KEY: KEY });
      assert.equal(code, 1, out);
      assert.match(out, /http:\/\/\*\*\*@127\.0\.0\.1:\d+/);
      assert.ok(!out.includes(URL_PASSWORD), `the password was printed:\n${out}`);
    });
  });
});
