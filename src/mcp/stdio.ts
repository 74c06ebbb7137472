import { setMaxListeners } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  CallToolResultSchema,
  CancelTaskRequestSchema,
  CancelTaskResultSchema,
  CreateTaskResultSchema,
  GetTaskPayloadRequestSchema,
  GetTaskPayloadResultSchema,
  GetTaskRequestSchema,
  GetTaskResultSchema,
  ListTasksRequestSchema,
  ListTasksResultSchema,
  ListToolsRequestSchema,
  TaskStatusNotificationSchema,
  type CallToolResult,
  type TaskStatusNotification,
} from '@modelcontextprotocol/sdk/types.js';
import { PersonaError } from '../core/errors';
import type { PersonaServices } from '../services';
import { connectToStoreOwner } from './endpointTrust';
import { createPersonaServer, SERVER_NAME, SERVER_VERSION } from './server';
import { BoundedStdioTransport } from './stdioTransport';

export interface StdioOptions {
  workspaceRoot: string;
  /** Opens the workspace's services as the store's owner; throws STORE_LOCKED when another process owns it. */
  openServices: () => Promise<PersonaServices>;
  log: (line: string) => void;
  stdin?: Readable;
  stdout?: Writable;
}

/**
 * `agent-os-personas mcp`: the persona MCP server over stdio for Claude Code, Cursor and
 * other clients. When no one owns the workspace's store, this process owns it and serves the
 * tools itself (with MCP tasks). When VS Code owns it, this process proxies every tool call to
 * the editor's loopback endpoint (token from .agent-os/mcp-endpoint.json), so both see the
 * same jobs, once that endpoint has passed every check of connectToStoreOwner; if the editor
 * goes away mid-session, it takes the store over and carries on. Resolves when the client
 * closes stdin; every reason to stop is said on stderr.
 */
export async function serveStdio(options: StdioOptions): Promise<void> {
  const transport = new BoundedStdioTransport(options.stdin ?? process.stdin, options.stdout ?? process.stdout, options.log);
  const logError = (err: Error): void => options.log(`agent-os-personas mcp: ${err.message}`);
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
  });
  let owned: PersonaServices | undefined;
  try {
    owned = await options.openServices();
  } catch (err) {
    if (!(err instanceof PersonaError && err.code === 'STORE_LOCKED')) throw err;
  }
  if (owned) {
    options.log('agent-os-personas mcp: serving this workspace (this process owns the job store)');
    const server = createPersonaServer(owned);
    server.server.onerror = logError;
    await server.connect(transport);
    await closed;
    await server.close();
    await owned.dispose();
    return;
  }
  // MCP tasks live in the owner's store (a task's id is its job's id): the proxy forwards the
  // task requests and the owner's status notifications as they are.
  const server = new Server({ name: SERVER_NAME, version: SERVER_VERSION }, { capabilities: { tools: {}, tasks: { list: {}, cancel: {}, requests: { tools: { call: {} } } } } });
  const proxy = new StoreOwnerProxy(options, (notification) => void server.notification(notification).catch(() => undefined));
  await proxy.connectUpstream();
  server.onerror = logError;
  server.setRequestHandler(ListToolsRequestSchema, async () => proxy.call((c) => c.listTools()));
  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    if (request.params.task) {
      // The owner creates the task and answers with it at once.
      return proxy.call((client) => client.request({ method: 'tools/call', params: request.params }, CreateTaskResultSchema, { signal: extra.signal }));
    }
    const progressToken = request.params._meta?.progressToken;
    return proxy.call(
      (client) =>
        client.callTool({ name: request.params.name, arguments: request.params.arguments }, CallToolResultSchema, {
          signal: extra.signal,
          // Waits with wait_seconds run up to 50 s; progress keeps the upstream request alive.
          timeout: 120_000,
          resetTimeoutOnProgress: true,
          ...(progressToken !== undefined
            ? { onprogress: (p) => void extra.sendNotification({ method: 'notifications/progress', params: { ...p, progressToken } }).catch(() => undefined) }
            : {}),
        }) as Promise<CallToolResult>,
    );
  });
  server.setRequestHandler(GetTaskRequestSchema, (request, extra) => proxy.call((c) => c.request(request, GetTaskResultSchema, { signal: extra.signal })));
  server.setRequestHandler(ListTasksRequestSchema, (request, extra) => proxy.call((c) => c.request(request, ListTasksResultSchema, { signal: extra.signal })));
  server.setRequestHandler(CancelTaskRequestSchema, (request, extra) => proxy.call((c) => c.request(request, CancelTaskResultSchema, { signal: extra.signal })));
  // tasks/result waits for the task to end: as long as the client waits, not the SDK's 60 s.
  server.setRequestHandler(GetTaskPayloadRequestSchema, (request, extra) => proxy.call((c) => c.request(request, GetTaskPayloadResultSchema, { signal: extra.signal, timeout: TASK_RESULT_TIMEOUT_MS })));
  await server.connect(transport);
  await closed;
  await server.close();
  await proxy.close();
}

/** How long a forwarded tasks/result may wait for its task; the client's own timeout usually ends it first. */
const TASK_RESULT_TIMEOUT_MS = 6 * 60 * 60 * 1000;

/** The client the proxy forwards to: the editor's endpoint, or, after a takeover, our own server in memory. */
class StoreOwnerProxy {
  private client: Client | undefined;
  private owned: PersonaServices | undefined;
  private takingOver: Promise<void> | undefined;

  constructor(
    private readonly options: StdioOptions,
    private readonly onTaskStatus: (notification: TaskStatusNotification) => void,
  ) {}

  /**
   * Follows the owner's endpoint if it passes every check; if not, owns the store when its
   * owner has gone meanwhile, or refuses with the check that failed (STORE_LOCKED).
   */
  async connectUpstream(): Promise<void> {
    const client = this.forwardingTaskStatus(new Client({ name: 'agent-os-personas-stdio-proxy', version: SERVER_VERSION }));
    try {
      const { url } = await connectToStoreOwner(this.options.workspaceRoot, client, longSessionFetch);
      this.client = client;
      this.options.log(`agent-os-personas mcp: VS Code owns the job store; forwarding to ${url}`);
    } catch (err) {
      if (!(err instanceof PersonaError && err.code === 'STORE_LOCKED')) throw err;
      if (await this.ownStore()) return;
      throw err;
    }
  }

  /** Runs `work` upstream; when the owner is gone, takes the store over and runs it here. */
  async call<T>(work: (client: Client) => Promise<T>): Promise<T> {
    const client = this.client;
    if (!client) throw new PersonaError('INTERNAL', 'The MCP proxy is not connected.', 'Restart the MCP server.');
    try {
      return await work(client);
    } catch (err) {
      if (this.owned || !isConnectionLoss(err)) throw err;
      this.options.log(`agent-os-personas mcp: the store's owner went away (${err instanceof Error ? err.message : String(err)}); taking over`);
      this.takingOver ??= this.takeOver();
      await this.takingOver;
      return work(this.client!);
    }
  }

  private async takeOver(): Promise<void> {
    await this.client?.close().catch(() => undefined);
    if (await this.ownStore()) return;
    // A new owner (a reloaded window) holds the store: follow its new endpoint instead.
    this.takingOver = undefined;
    await this.connectUpstream();
  }

  /** Opens the store as its owner and serves it in memory; false when another process holds it. */
  private async ownStore(): Promise<boolean> {
    try {
      this.owned = await this.options.openServices();
    } catch (err) {
      if (err instanceof PersonaError && err.code === 'STORE_LOCKED') return false;
      throw err;
    }
    this.options.log('agent-os-personas mcp: serving this workspace (this process owns the job store)');
    const server = createPersonaServer(this.owned);
    const [a, b] = InMemoryTransport.createLinkedPair();
    const client = this.forwardingTaskStatus(new Client({ name: 'agent-os-personas-stdio', version: SERVER_VERSION }));
    await Promise.all([server.connect(a), client.connect(b)]);
    this.client = client;
    return true;
  }

  private forwardingTaskStatus(client: Client): Client {
    client.setNotificationHandler(TaskStatusNotificationSchema, (notification) => this.onTaskStatus(notification));
    return client;
  }

  async close(): Promise<void> {
    await this.client?.close().catch(() => undefined);
    await this.owned?.dispose();
  }
}

/**
 * The SDK's HTTP client gives one long-lived AbortSignal to every fetch of a session; Node's
 * fetch adds a listener to it per request, dropped only by garbage collection, and warns past
 * a limit. A proxy session lives for hours, so the limit is lifted for that signal.
 */
const longSessionFetch = (url: string | URL, init?: RequestInit): Promise<Response> => {
  if (init?.signal) setMaxListeners(0, init.signal);
  return fetch(url, init);
};

function isConnectionLoss(err: unknown): boolean {
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : '';
  const text = err instanceof Error ? `${err.message} ${cause}` : String(err);
  return /ECONNREFUSED|ECONNRESET|fetch failed|socket hang up|Connection closed|Session not found|404/i.test(text);
}
