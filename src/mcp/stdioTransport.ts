import type { Readable, Writable } from 'node:stream';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ErrorCode, JSONRPCMessageSchema, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { PersonaError } from '../core/errors';
import { MAX_CONTEXT_CHARS, MAX_TASK_CHARS } from '../jobs/jobInput';
import { LineReader, sniffRequest } from './lineReader';
import { toolError } from './results';

/**
 * The largest message read from stdin, as over HTTP (httpServer.ts): a call with the largest
 * task and context allowed, even with every character escaped, is well under it.
 */
export const MAX_STDIO_MESSAGE_BYTES = 4 * 1024 * 1024;

/**
 * MCP over stdin/stdout, newline-delimited JSON-RPC like the SDK's StdioServerTransport, with
 * what a long-lived server needs that one lacks: a message over the size limit is answered
 * (a tools/call with an INVALID_INPUT tool error, anything else with a JSON-RPC error) and the
 * session goes on, where the SDK's transport closed the session and the server exited without
 * a word; a line that is not JSON-RPC is answered with a parse error; and the end of the
 * session (stdin closed, a broken pipe) is noticed and said on stderr.
 */
export class BoundedStdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  private readonly reader: LineReader;
  private closed = false;

  constructor(
    private readonly stdin: Readable,
    private readonly stdout: Writable,
    private readonly log: (line: string) => void,
    private readonly maxBytes = MAX_STDIO_MESSAGE_BYTES,
  ) {
    this.reader = new LineReader(maxBytes);
  }

  start(): Promise<void> {
    this.stdin.on('data', this.onData);
    this.stdin.on('end', this.onEnd);
    this.stdin.on('error', this.onStdinError);
    this.stdout.on('error', this.onStdoutError);
    return Promise.resolve();
  }

  send(message: JSONRPCMessage): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      if (this.stdout.write(`${JSON.stringify(message)}\n`)) resolve();
      else this.stdout.once('drain', resolve);
    });
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    this.stdin.off('data', this.onData);
    this.stdin.off('end', this.onEnd);
    this.stdin.off('error', this.onStdinError);
    this.stdout.off('error', this.onStdoutError);
    this.stdin.pause();
    this.onclose?.();
    return Promise.resolve();
  }

  private readonly onData = (chunk: Buffer | string): void => {
    this.reader.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk, (event) => {
      if (event.kind === 'oversized') this.refuseOversized(event.bytes, event.head, event.tail);
      else if (event.text.trim() !== '') this.deliver(event.text);
    });
  };

  private deliver(line: string): void {
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      this.answerBadLine(line, ErrorCode.ParseError, 'Parse error: the line is not JSON.');
      return;
    }
    const parsed = JSONRPCMessageSchema.safeParse(json);
    if (!parsed.success) {
      this.answerBadLine(line, ErrorCode.InvalidRequest, 'Invalid request: the line is not a JSON-RPC 2.0 message.');
      return;
    }
    this.onmessage?.(parsed.data);
  }

  private answerBadLine(line: string, code: ErrorCode, message: string): void {
    const { id } = sniffRequest(line.slice(0, 4096), line.slice(-4096));
    this.log(`agent-os-personas mcp: a ${line.length}-character line on stdin is not a JSON-RPC message; answered with an error, the session goes on`);
    void this.send({ jsonrpc: '2.0', ...(id !== undefined ? { id } : {}), error: { code, message } });
  }

  private refuseOversized(bytes: number, head: string, tail: string): void {
    const { id, method } = sniffRequest(head, tail);
    const size = `${bytes.toLocaleString('en-US')} bytes; this server reads messages of up to ${this.maxBytes.toLocaleString('en-US')} bytes`;
    if (id !== undefined && method === 'tools/call') {
      const err = new PersonaError(
        'INVALID_INPUT',
        `The tool call is ${size}, so the tool was not called.`,
        `Keep the task under ${MAX_TASK_CHARS.toLocaleString('en-US')} characters and the context under ${MAX_CONTEXT_CHARS.toLocaleString('en-US')}; name workspace files in "files" rather than pasting them.`,
      );
      void this.send({ jsonrpc: '2.0', id, result: toolError(err) });
    } else {
      void this.send({ jsonrpc: '2.0', ...(id !== undefined ? { id } : {}), error: { code: ErrorCode.InvalidRequest, message: `Message too large: ${size}.` } });
    }
    this.log(`agent-os-personas mcp: refused a ${bytes}-byte ${method ?? 'message'} on stdin (over the ${this.maxBytes}-byte limit)${id === undefined ? ' whose id could not be read' : ''}; the session goes on`);
  }

  private readonly onEnd = (): void => {
    this.log('agent-os-personas mcp: the client closed stdin; stopping');
    void this.close();
  };

  private readonly onStdinError = (err: Error): void => {
    this.log(`agent-os-personas mcp: reading stdin failed (${err.message}); stopping`);
    this.onerror?.(err);
    void this.close();
  };

  private readonly onStdoutError = (err: Error): void => {
    this.log(`agent-os-personas mcp: writing to stdout failed (${err.message}); the client is gone; stopping`);
    this.onerror?.(err);
    void this.close();
  };
}
