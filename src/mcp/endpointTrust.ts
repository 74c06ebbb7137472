import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import { PersonaError } from '../core/errors';
import { readOwner } from '../jobs/storeLock';
import { ENDPOINT_FILE_SHOWN, inspectEndpointFile, type EndpointInfo } from './endpointFile';
import { loopbackListeners, type LoopbackHost } from './loopbackListener';

/** How long the unauthenticated probe and the authenticated initialize may take. */
const CHECK_TIMEOUT_MS = 10_000;

const LOOPBACK_HOSTS: Record<string, LoopbackHost> = { '127.0.0.1': '127.0.0.1', localhost: 'localhost', '[::1]': '::1' };

/**
 * Connects `client` to the MCP endpoint the store's owner published in
 * .agent-os/mcp-endpoint.json, only when the file and the server behind it prove to be this
 * user's: the stdio proxy sends every tool call, with the workspace's context, wherever the file
 * points, so a file someone else planted must never be followed. The checks, cheapest first and
 * before any byte goes to the server: the file (this user's, 0600, a regular file: see
 * inspectEndpointFile), a loopback http: URL, the machine and a live pid of this user that is
 * also the lock's owner (owner.json); on Linux, the listening socket on that port belongs to
 * this user (/proc/net/tcp); then a request without the token must be refused with 401 (a
 * server that takes anything is not ours), and only then the initialize with the token.
 * Throws STORE_LOCKED naming the check that failed and what to do; resolves with the URL.
 */
export async function connectToStoreOwner(workspaceRoot: string, client: Client, fetchImpl: FetchLike): Promise<{ url: string }> {
  const dataDir = join(workspaceRoot, '.agent-os');
  const read = inspectEndpointFile(dataDir);
  if (read.kind === 'missing') {
    throw new PersonaError('STORE_LOCKED', 'Another process owns this workspace\'s job store and publishes no MCP endpoint.', 'Close the other CLI using this folder, or open the folder in VS Code with Agent OS Personas (it serves MCP), then start again.');
  }
  if (read.kind === 'refused') throw untrusted(`the file is not trusted: ${read.reason}`);
  const info = read.info;
  const url = loopbackUrl(info.url);
  checkProcess(info, dataDir);
  checkListener(url);
  await checkRefusesStrangers(url.href, fetchImpl);
  const transport = new StreamableHTTPClientTransport(url, { requestInit: { headers: { Authorization: `Bearer ${info.token}` } }, fetch: fetchImpl });
  try {
    await client.connect(transport, { timeout: CHECK_TIMEOUT_MS });
  } catch (err) {
    await client.close().catch(() => undefined);
    throw untrusted(`the server at ${url.href} did not accept the file's token (${err instanceof Error ? err.message : String(err)})`);
  }
  return { url: url.href };
}

function untrusted(reason: string): PersonaError {
  return new PersonaError(
    'STORE_LOCKED',
    `Another process owns this workspace's job store, and its MCP endpoint (${ENDPOINT_FILE_SHOWN}) is not followed: ${reason}.`,
    `If you did not create ${ENDPOINT_FILE_SHOWN}, delete it. If VS Code has this folder open, reload its window (Developer: Reload Window) so that it publishes a fresh endpoint; then start the MCP server again.`,
  );
}

function loopbackUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw untrusted('its url is not a URL');
  }
  if (url.protocol !== 'http:' || !Object.hasOwn(LOOPBACK_HOSTS, url.hostname) || url.username !== '' || url.password !== '') {
    throw untrusted(`it points to ${url.protocol}//${url.host}, not to this machine's loopback (http://127.0.0.1, http://localhost or http://[::1])`);
  }
  return url;
}

function checkProcess(info: EndpointInfo, dataDir: string): void {
  if (info.host !== undefined && info.host !== hostname()) throw untrusted(`it was written on ${info.host}, not on this machine`);
  if (info.pid <= 0) throw untrusted(`its pid ${info.pid} is not a process id`);
  try {
    process.kill(info.pid, 0);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw untrusted(code === 'EPERM' ? `process ${info.pid}, which it names, belongs to another user` : `process ${info.pid}, which published it, is not running`);
  }
  const owner = readOwner(dataDir);
  if (owner && (owner.pid !== info.pid || owner.host !== hostname())) {
    throw untrusted(`it names process ${info.pid}, but the store's lock is held by process ${owner.pid} on ${owner.host} (.agent-os/owner.json)`);
  }
}

function checkListener(url: URL): void {
  const port = Number(url.port || 80);
  const listeners = loopbackListeners(LOOPBACK_HOSTS[url.hostname]!, port);
  if (listeners.kind === 'none') throw untrusted(`nothing listens on port ${port} of this machine`);
  if (listeners.kind !== 'listeners') return;
  const uid = process.getuid?.();
  const stranger = listeners.uids.find((u) => u !== uid);
  if (stranger !== undefined) throw untrusted(`port ${port} is held by another user (uid ${stranger})`);
}

/** The owner's server refuses a request without its token (401); a server that answers it is someone else's. */
async function checkRefusesStrangers(url: string, fetchImpl: FetchLike): Promise<void> {
  const initialize = { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: LATEST_PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'agent-os-personas-endpoint-check', version: '1' } } };
  let status: number;
  try {
    const response = await fetchImpl(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify(initialize),
      redirect: 'manual',
      signal: AbortSignal.timeout(CHECK_TIMEOUT_MS),
    });
    status = response.status;
    await response.body?.cancel().catch(() => undefined);
  } catch (err) {
    const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : err instanceof Error ? err.message : String(err);
    throw untrusted(`nothing answers at ${url} (${cause})`);
  }
  if (status !== 401) throw untrusted(`the server at ${url} answered a request without the token with HTTP ${status} instead of 401, so it is not the store owner's server`);
}
