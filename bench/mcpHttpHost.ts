// The MCP bench's HTTP server, on a worker thread of its own: PersonaServices and
// startMcpHttp on a workspace, as the extension host runs them. Keeping it off the bench's
// main thread keeps the clients' work (fetch, parsing, the SDK's result validation) off the
// server's event loop, as it is for agents in other processes, and makes HTTP comparable
// with stdio, whose server is a child process.
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parentPort, Worker, workerData } from 'node:worker_threads';
import { PersonaServices } from '../src/services';
import { startMcpHttp } from '../src/mcp/httpServer';

type HostRequest = { type: 'sessions' } | { type: 'loop-mark' } | { type: 'loop-since-mark' } | { type: 'close' };
type HostReply = { type: 'ready'; url: string; token: string } | { type: 'sessions'; count: number } | { type: 'loop'; utilization: number } | { type: 'closed' };

interface HostData {
  workspace: string;
  workers: number;
}

/** The main thread's handle on the server thread. */
export class McpHttpHost {
  private constructor(
    private readonly worker: Worker,
    readonly url: string,
    readonly token: string,
  ) {}

  static async start(workspace: string, workers: number): Promise<McpHttpHost> {
    const worker = new Worker(__filename, { workerData: { workspace, workers } satisfies HostData });
    const ready = await nextReply(worker);
    if (ready.type !== 'ready') throw new Error(`the MCP host thread answered ${ready.type} instead of ready`);
    return new McpHttpHost(worker, ready.url, ready.token);
  }

  /** One request at a time: the bench asks, then waits for the answer. */
  private ask(request: HostRequest): Promise<HostReply> {
    const reply = nextReply(this.worker);
    this.worker.postMessage(request);
    return reply;
  }

  async sessions(): Promise<number> {
    const reply = await this.ask({ type: 'sessions' });
    return reply.type === 'sessions' ? reply.count : NaN;
  }

  /** Starts measuring how busy the server's event loop is. */
  async markLoop(): Promise<void> {
    await this.ask({ type: 'loop-mark' });
  }

  /** Fraction of the time since markLoop() that the server's event loop was busy. */
  async loopSinceMark(): Promise<number> {
    const reply = await this.ask({ type: 'loop-since-mark' });
    return reply.type === 'loop' ? reply.utilization : NaN;
  }

  async close(): Promise<void> {
    await this.ask({ type: 'close' });
    await this.worker.terminate();
  }
}

function nextReply(worker: Worker): Promise<HostReply> {
  return new Promise((resolve, reject) => {
    const onMessage = (reply: HostReply): void => {
      worker.off('error', onError);
      resolve(reply);
    };
    const onError = (err: Error): void => {
      worker.off('message', onMessage);
      reject(err);
    };
    worker.once('message', onMessage);
    worker.once('error', onError);
  });
}

async function serve(data: HostData, port: NonNullable<typeof parentPort>): Promise<void> {
  const repo = join(__dirname, '..', '..');
  const services = await PersonaServices.create({
    workspaceRoot: data.workspace,
    extensionRoot: repo,
    ownerKind: 'bench',
    workerScript: join(repo, 'out', 'src', 'personas', 'personaWorker.js'),
    workerCount: data.workers,
    // Long enough that the bench's hung blocker jobs do not time out while it runs.
    modelSettings: () => ({ provider: 'demo', model: 'm', baseUrl: '', maxTokens: 2048, requestTimeoutSeconds: 600 }),
    apiKey: () => Promise.resolve(undefined),
    log: () => undefined,
  });
  const endpoint = await startMcpHttp(services);
  let mark = performance.eventLoopUtilization();
  const reply = (message: HostReply): void => port.postMessage(message);
  port.on('message', (request: HostRequest) => {
    switch (request.type) {
      case 'sessions':
        return reply({ type: 'sessions', count: endpoint.sessions() });
      case 'loop-mark':
        mark = performance.eventLoopUtilization();
        return reply({ type: 'loop', utilization: 0 });
      case 'loop-since-mark':
        return reply({ type: 'loop', utilization: performance.eventLoopUtilization(mark).utilization });
      case 'close':
        void endpoint
          .close()
          .then(() => services.dispose(0))
          .catch(() => undefined)
          .then(() => reply({ type: 'closed' }));
        return;
    }
  });
  reply({ type: 'ready', url: endpoint.url, token: endpoint.token });
}

if (parentPort && (workerData as Partial<HostData> | null)?.workspace) {
  void serve(workerData as HostData, parentPort);
}
