import type { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { PersonaMcpServer } from './server';

/** One client session of the HTTP endpoint: its transport, its own McpServer, and how busy it is. */
export interface HttpSession {
  readonly transport: StreamableHTTPServerTransport;
  readonly server: PersonaMcpServer;
  /** Set once the initialize request has been answered; until then the session only holds a slot. */
  id: string | undefined;
  /** Requests of this session whose response is still open (tool calls, the GET event stream, tasks/result). */
  inFlight: number;
  /** When a request of this session last started or ended (the table's clock). */
  lastActive: number;
}

export interface HttpSessionLimits {
  /** The most sessions held at once, counting those still initializing. */
  maxSessions: number;
  /** A session with nothing in flight and no request for this long is closed. */
  idleMs: number;
  now: () => number;
}

/**
 * The sessions of the HTTP endpoint, bounded: at most `maxSessions`, and a session nobody has
 * used for `idleMs` is closed. Clients that vanish without ending their session (a killed
 * process, a script that only initializes) would otherwise each keep an McpServer forever.
 * A session with an open request is never idle: an SDK client keeps its GET event stream open
 * while it lives, so only abandoned sessions expire.
 */
export class HttpSessions {
  private readonly byId = new Map<string, HttpSession>();
  /** Every session holding a slot, including those whose initialize is still being answered. */
  private readonly live = new Set<HttpSession>();

  constructor(private readonly limits: HttpSessionLimits) {}

  get(id: string): HttpSession | undefined {
    return this.byId.get(id);
  }

  /** Initialized sessions. */
  get size(): number {
    return this.byId.size;
  }

  /**
   * A slot for a new session made by `create`, after closing idle ones; undefined (and nothing
   * created) when every slot is taken by a session in use. Synchronous, so concurrent initialize
   * requests cannot overshoot the cap.
   */
  admit(create: () => { transport: StreamableHTTPServerTransport; server: PersonaMcpServer }): HttpSession | undefined {
    this.sweep();
    if (this.live.size >= this.limits.maxSessions) return undefined;
    const session: HttpSession = { ...create(), id: undefined, inFlight: 0, lastActive: this.limits.now() };
    this.live.add(session);
    return session;
  }

  named(session: HttpSession, id: string): void {
    session.id = id;
    if (this.live.has(session)) this.byId.set(id, session);
  }

  /** Drops a session from the table (its transport closed, or its initialize failed). */
  forget(session: HttpSession): void {
    this.live.delete(session);
    if (session.id !== undefined && this.byId.get(session.id) === session) this.byId.delete(session.id);
  }

  /** Marks a request of `session` as open; call the returned function once its response has closed. */
  hold(session: HttpSession): () => void {
    session.inFlight++;
    session.lastActive = this.limits.now();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      session.inFlight--;
      session.lastActive = this.limits.now();
    };
  }

  /** Closes every session idle for `idleMs` or longer; returns how many it closed. */
  sweep(): number {
    const now = this.limits.now();
    const idle = [...this.live].filter((s) => s.inFlight === 0 && now - s.lastActive >= this.limits.idleMs);
    for (const session of idle) {
      this.forget(session);
      // Closing the server too stops its job watches; a second close of either is a no-op.
      void session.transport.close().catch(() => undefined);
      void session.server.close().catch(() => undefined);
    }
    return idle.length;
  }

  async closeAll(): Promise<void> {
    const all = [...this.live];
    this.live.clear();
    this.byId.clear();
    await Promise.all(all.map((s) => s.transport.close().catch(() => undefined)));
  }
}
