/**
 * Where things are in a JSON text, for messages about a hand-edited file: JSON.parse says what
 * is wrong but not always where, and a schema names a path, not a line.
 */

/** The 1-based line of a character offset. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < Math.min(offset, text.length); i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * The offset of every value of a JSON text, keyed by JSON.stringify of its path (`[]` is the
 * whole, `["suppressions",1,"reason"]` one field); of an invalid text, those before the fault.
 */
export function jsonValueOffsets(text: string): Map<string, number> {
  return scan(text).offsets;
}

/** The offset where the text stops being JSON, or null when it is valid. */
export function jsonErrorOffset(text: string): number | null {
  return scan(text).errorAt;
}

class Stop extends Error {
  constructor(readonly at: number) {
    super('not JSON');
  }
}

function scan(text: string): { offsets: Map<string, number>; errorAt: number | null } {
  const offsets = new Map<string, number>();
  let pos = 0;
  const ws = (): void => {
    while (pos < text.length && ' \t\r\n'.includes(text[pos]!)) pos++;
  };
  const expect = (c: string): void => {
    if (text[pos] !== c) throw new Stop(pos);
    pos++;
  };
  const string = (): string => {
    const start = pos;
    expect('"');
    while (pos < text.length && text[pos] !== '"') {
      if (text.charCodeAt(pos) < 0x20) throw new Stop(pos);
      pos += text[pos] === '\\' ? 2 : 1;
    }
    expect('"');
    try {
      return JSON.parse(text.slice(start, pos)) as string;
    } catch {
      throw new Stop(start);
    }
  };
  const value = (path: (string | number)[]): void => {
    ws();
    offsets.set(JSON.stringify(path), pos);
    const c = text[pos];
    if (c === '{') {
      pos++;
      ws();
      if (text[pos] === '}') {
        pos++;
        return;
      }
      for (;;) {
        ws();
        const key = string();
        ws();
        expect(':');
        value([...path, key]);
        ws();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        expect('}');
        return;
      }
    }
    if (c === '[') {
      pos++;
      ws();
      if (text[pos] === ']') {
        pos++;
        return;
      }
      for (let i = 0; ; i++) {
        value([...path, i]);
        ws();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        expect(']');
        return;
      }
    }
    if (c === '"') {
      string();
      return;
    }
    const literal = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(pos, pos + 400));
    if (!literal) throw new Stop(pos);
    pos += literal[0].length;
  };
  try {
    value([]);
    ws();
    if (pos < text.length) throw new Stop(pos);
    return { offsets, errorAt: null };
  } catch (err) {
    if (err instanceof Stop) return { offsets, errorAt: Math.min(err.at, text.length) };
    throw err;
  }
}
