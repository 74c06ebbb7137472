import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest, isJSONRPCRequest } from '@modelcontextprotocol/sdk/types.js';
import type { PersonaServices } from '../services';
import { HttpSessions, type HttpSession } from './httpSessions';
import { createPersonaServer } from './server';

export const MCP_PATH = '/mcp';
const MAX_BODY_BYTES = 4 * 1024 * 1024;
/** Retry-After (seconds) when every session slot is taken: time for the user to close a client they no longer use. */
const SESSIONS_FULL_RETRY_SECONDS = 30;
/** Retry-After (seconds) when too many requests are open: tool waits end within 50 s, most much sooner. */
const REQUESTS_FULL_RETRY_SECONDS = 10;

export interface McpHttpOptions {
  /** Port to listen on; 0 (a free one) unless told. */
  port?: number;
  log?: (line: string) => void;
  /**
   * The most client sessions held at once (64 unless told). An initialize over it first closes
   * idle sessions; if none is idle it gets 503 with Retry-After. Each session holds its own
   * McpServer, so this bounds the memory clients can pin.
   */
  maxSessions?: number;
  /**
   * A session with no request open and none started or ended for this long is closed (30 min
   * unless told); its id then gets 404 and the client initializes anew. A live SDK client keeps
   * its GET event stream open, so it is never idle; only abandoned sessions expire.
   */
  sessionIdleMs?: number;
  /**
   * The most requests open at once across all sessions (256 unless told): tool calls still
   * running, GET event streams, tasks/result waits, bodies being read. Over it: 503 with Retry-After.
   */
  maxOpenRequests?: number;
  /** The clock idle time is measured on; Date.now unless told (tests move it instead of sleeping). */
  now?: () => number;
}

export interface McpHttpEndpoint {
  url: string;
  port: number;
  /** The bearer token every request must carry; new for every start. */
  token: string;
  /** Initialized sessions held now. */
  sessions(): number;
  /** Authenticated requests whose response is still open. */
  openRequests(): number;
  /** Closes the sessions idle for `sessionIdleMs`; returns how many. Also runs on a timer and before each initialize. */
  sweep(): number;
  close(): Promise<void>;
}

/**
 * Streamable HTTP for the persona MCP server, for clients on this machine only: bound to
 * 127.0.0.1, a random port, a random bearer token per start, and Host and Origin checked
 * (a web page cannot reach it through DNS rebinding or a cross-origin request). Each client
 * session gets its own McpServer over the same services; sessions and open requests are
 * bounded and idle sessions expire (see McpHttpOptions), so a client cannot pin memory forever.
 */
export async function startMcpHttp(services: PersonaServices, options: McpHttpOptions = {}): Promise<McpHttpEndpoint> {
  const token = randomBytes(32).toString('base64url');
  const maxSessions = options.maxSessions ?? 64;
  const idleMs = options.sessionIdleMs ?? 30 * 60 * 1000;
  const maxOpenRequests = options.maxOpenRequests ?? 256;
  const sessions = new HttpSessions({ maxSessions, idleMs, now: options.now ?? Date.now });
  let openRequests = 0;
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

    if (openRequests >= maxOpenRequests) {
      return refuse(res, 503, `Too many MCP requests open: this server serves at most ${maxOpenRequests} at once (tool calls, event streams, waits) across all sessions. Retry in ${REQUESTS_FULL_RETRY_SECONDS} s, or close MCP clients you are not using.`, {
        retryAfterSeconds: REQUESTS_FULL_RETRY_SECONDS,
      });
    }
    // Counted from here until the response closes (finished, or the client went away).
    openRequests++;
    let responseClosed = false;
    let release: (() => void) | undefined;
    res.once('close', () => {
      responseClosed = true;
      openRequests--;
      release?.();
    });
    const holdFor = (session: HttpSession): void => {
      if (!responseClosed) release = sessions.hold(session);
    };

    const sessionId = header(req, 'mcp-session-id');
    const existing = sessionId ? sessions.get(sessionId) : undefined;
    if (existing) {
      holdFor(existing);
      await existing.transport.handleRequest(req, res, req.method === 'POST' ? await readJson(req) : undefined);
      return;
    }
    if (sessionId) return refuse(res, 404, 'Unknown or expired MCP session; initialize a new one.');
    if (req.method !== 'POST') return refuse(res, 400, 'Bad request: start with an initialize request (POST).');
    const body = await readJson(req);
    if (!isInitializeRequest(body)) return refuse(res, 400, 'Bad request: no session; the first request must be initialize.');
    // The client went away while its body was read: no slot for a session nobody will use.
    if (responseClosed) return;
    const session = sessions.admit(() => {
      const server = createPersonaServer(services);
      const transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        enableDnsRebindingProtection: true,
        allowedHosts: allowedHosts(),
        allowedOrigins: allowedOrigins(),
        onsessioninitialized: (id) => {
          if (session) sessions.named(session, id);
        },
      });
      return { server, transport };
    });
    if (!session) {
      return refuse(
        res,
        503,
        `Too many MCP sessions: this server holds at most ${maxSessions} at once and none is idle. Close MCP clients you are not using (their sessions end with them), or retry in ${SESSIONS_FULL_RETRY_SECONDS} s; a session unused for ${duration(idleMs)} is closed on its own.`,
        { retryAfterSeconds: SESSIONS_FULL_RETRY_SECONDS, id: isJSONRPCRequest(body) ? body.id : undefined },
      );
    }
    holdFor(session);
    const { server, transport } = session;
    transport.onclose = () => {
      sessions.forget(session);
      void server.close();
    };
    // An initialize that failed leaves a slot with no session behind it: give it back.
    res.once('close', () => {
      if (session.id === undefined) {
        sessions.forget(session);
        void transport.close().catch(() => undefined);
      }
    });
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
  // Sweeps between initializes too, so idle sessions free their memory even when no new client comes.
  const sweeper = setInterval(() => sessions.sweep(), Math.min(60_000, Math.max(1_000, Math.floor(idleMs / 2))));
  sweeper.unref();
  return {
    url: `http://127.0.0.1:${port}${MCP_PATH}`,
    port,
    token,
    sessions: () => sessions.size,
    openRequests: () => openRequests,
    sweep: () => sessions.sweep(),
    close: async () => {
      clearInterval(sweeper);
      await sessions.closeAll();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

function duration(ms: number): string {
  return ms >= 60_000 ? `${Math.round(ms / 60_000)} min` : `${Math.ceil(ms / 1000)} s`;
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

function refuse(res: ServerResponse, status: number, message: string, extra: { retryAfterSeconds?: number; id?: string | number } = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json', ...(extra.retryAfterSeconds !== undefined ? { 'retry-after': String(extra.retryAfterSeconds) } : {}) });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: extra.id ?? null }));
}
