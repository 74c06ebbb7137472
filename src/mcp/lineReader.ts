/** One line of a byte stream: its text, or, past the limit, its size and its two ends. */
export type LineEvent = { kind: 'line'; text: string } | { kind: 'oversized'; bytes: number; head: string; tail: string };

/** How many bytes of each end of an oversized line are kept, to find its method and id. */
const ENDS_KEPT = 4096;

/**
 * Splits a byte stream into newline-delimited lines (MCP's stdio framing) without ever holding
 * more than `maxBytes` of one line: past that, the line's bytes are counted and dropped until
 * its newline, keeping only its first and last few kilobytes, and the line is reported as
 * oversized. The stream stays in step, so the next line is read as usual.
 */
export class LineReader {
  private parts: Buffer[] = [];
  private size = 0;
  private over: { bytes: number; head: Buffer; tail: Buffer } | undefined;

  constructor(private readonly maxBytes: number) {}

  push(chunk: Buffer, emit: (event: LineEvent) => void): void {
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(0x0a, start);
      this.take(chunk.subarray(start, newline === -1 ? chunk.length : newline));
      if (newline === -1) return;
      emit(this.finish());
      start = newline + 1;
    }
  }

  private take(piece: Buffer): void {
    if (piece.length === 0) return;
    if (!this.over && this.size + piece.length <= this.maxBytes) {
      this.parts.push(piece);
      this.size += piece.length;
      return;
    }
    if (!this.over) {
      const held = Buffer.concat([...this.parts, piece]);
      // Copied: a kept slice must not pin the chunks it came from.
      this.over = { bytes: held.length, head: Buffer.from(held.subarray(0, ENDS_KEPT)), tail: Buffer.from(held.subarray(-ENDS_KEPT)) };
      this.parts = [];
      this.size = 0;
      return;
    }
    this.over.bytes += piece.length;
    this.over.tail = Buffer.from(Buffer.concat([this.over.tail, piece.subarray(-ENDS_KEPT)]).subarray(-ENDS_KEPT));
  }

  private finish(): LineEvent {
    const over = this.over;
    const parts = this.parts;
    this.over = undefined;
    this.parts = [];
    this.size = 0;
    if (over) return { kind: 'oversized', bytes: over.bytes, head: over.head.toString('utf8'), tail: over.tail.toString('utf8').replace(/\r$/, '') };
    return { kind: 'line', text: Buffer.concat(parts).toString('utf8').replace(/\r$/, '') };
  }
}

// A JSON-RPC id (a number or a string) and the top-level keys that may come before or after
// the one looked for. A key at the top level of the message is the only one whose value is
// followed by exactly one closing brace and the end of the line, or preceded only by keys.
const ID = String.raw`(-?\d+|"(?:[^"\\]|\\.)*")`;
const SCALAR_KEYS = String.raw`(?:\s*"(?:jsonrpc|id|method)"\s*:\s*(?:-?\d+|"(?:[^"\\]|\\.)*")\s*,)*`;
const HEAD_ID = new RegExp(String.raw`^\s*\{${SCALAR_KEYS}\s*"id"\s*:\s*${ID}`);
const TAIL_ID = new RegExp(String.raw`"id"\s*:\s*${ID}(?:\s*,\s*"(?:jsonrpc|method)"\s*:\s*"[^"\\]*")*\s*\}\s*$`);
const HEAD_METHOD = new RegExp(String.raw`^\s*\{${SCALAR_KEYS}\s*"method"\s*:\s*"([^"\\]*)"`);
const TAIL_METHOD = new RegExp(String.raw`"method"\s*:\s*"([^"\\]*)"(?:\s*,\s*"(?:jsonrpc|id)"\s*:\s*(?:-?\d+|"(?:[^"\\]|\\.)*"))*\s*\}\s*$`);

/**
 * The id and method of a JSON-RPC request read from the two ends of a line too large to parse,
 * so it can be answered. Clients put them first (the Python SDK) or last (the TypeScript SDK
 * writes `{"method", "params", "jsonrpc", "id"}`); either end is enough.
 */
export function sniffRequest(head: string, tail: string): { id?: string | number; method?: string } {
  const idText = HEAD_ID.exec(head)?.[1] ?? TAIL_ID.exec(tail)?.[1];
  const method = HEAD_METHOD.exec(head)?.[1] ?? TAIL_METHOD.exec(tail)?.[1];
  let id: string | number | undefined;
  try {
    id = idText === undefined ? undefined : (JSON.parse(idText) as string | number);
  } catch {
    id = undefined;
  }
  return { ...(id !== undefined ? { id } : {}), ...(method !== undefined ? { method } : {}) };
}
