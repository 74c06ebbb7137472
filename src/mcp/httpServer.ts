import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { PersonaServices } from '../services';
import { createPersonaServer, type PersonaMcpServer } from './server';

export const MCP_PATH = '/mcp';
const MAX_BODY_BYTES = 4 * 1024 * 1024;

export interface McpHttpEndpoint {
  url: string;
  port: number;
  /** The bearer token every request must carry; new for every start. */
  token: string;
  sessions(): number;
  close(): Promise<void>;
}

/**
 * Streamable HTTP for the persona MCP server, for clients on this machine only: bound to
 * 127.0.0.1, a random port, a random bearer token per start, and Host and Origin checked
 * (a web page cannot reach it through DNS rebinding or a cross-origin request). Each client
 * session gets its own McpServer over the same services.
 */
export async function startMcpHttp(services: PersonaServices, options: { port?: number; log?: (line: string) => void } = {}): Promise<McpHttpEndpoint> {
  const token = randomBytes(32).toString('base64url');
  const sessions = new Map<string, { transport: StreamableHTTPServerTransport; server: PersonaMcpServer }>();
  let port = 0;
  const allowedHosts = (): string[] => [`127.0.0.1:${port}`, `localhost:${port}`];
  const allowedOrigins = (): string[] => allowedHosts().map((h) => `http://${h}`);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (!allowedHosts().includes(req.headers.host ?? '')) return refuse(res, 403, 'Forbidden: the Host header must be this loopback server (DNS rebinding protection).');
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins().includes(origin)) return refuse(res, 403, 'Forbidden: requests from web pages are not accepted.');
    if (!validBearer(req.headers.authorization, token)) {
      res.setHeader('www-authenticate', 'Bearer realm="agent-os-personas"');
      return refuse(res, 401, 'Unauthorized: send "Authorization: Bearer <token>"; the token is in .agent-os/mcp-endpoint.json or the editor\'s MCP configuration.');
    }
    if (url.pathname !== MCP_PATH) return refuse(res, 404, `Not found: the MCP endpoint is ${MCP_PATH}.`);

    const sessionId = header(req, 'mcp-session-id');
    const existing = sessionId ? sessions.get(sessionId) : undefined;
    if (existing) {
      await existing.transport.handleRequest(req, res, req.method === 'POST' ? await readJson(req) : undefined);
      return;
    }
    if (sessionId) return refuse(res, 404, 'Unknown or expired MCP session; initialize a new one.');
    if (req.method !== 'POST') return refuse(res, 400, 'Bad request: start with an initialize request (POST).');
    const body = await readJson(req);
    if (!isInitializeRequest(body)) return refuse(res, 400, 'Bad request: no session; the first request must be initialize.');
    const server = createPersonaServer(services);
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      enableDnsRebindingProtection: true,
      allowedHosts: allowedHosts(),
      allowedOrigins: allowedOrigins(),
      onsessioninitialized: (id) => {
        sessions.set(id, { transport, server });
      },
    });
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
      void server.close();
    };
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  };

  const http: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      options.log?.(`MCP HTTP: ${err instanceof Error ? err.message : String(err)}`);
      if (err instanceof BodyError) refuse(res, err.status, err.message);
      else if (!res.headersSent) refuse(res, 500, 'Internal error; the editor\'s "Agent OS Personas" output has details.');
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (http.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}${MCP_PATH}`,
    port,
    token,
    sessions: () => sessions.size,
    close: async () => {
      await Promise.all([...sessions.values()].map(({ transport }) => transport.close().catch(() => undefined)));
      sessions.clear();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

function validBearer(value: string | undefined, token: string): boolean {
  const match = /^Bearer (.+)$/.exec(value ?? '');
  if (!match) return false;
  const given = Buffer.from(match[1]!);
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

class BodyError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BodyError(413, `Request body over ${MAX_BODY_BYTES} bytes.`));
        req.destroy();
        return;
      }
      parts.push(c);
    });
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(parts).toString('utf8')));
      } catch {
        reject(new BodyError(400, 'Bad request: the body is not JSON.'));
      }
    });
    req.on('error', reject);
  });
}

function refuse(res: ServerResponse, status: number, message: string): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }));
}
