import assert from 'node:assert/strict';
import { formatContext } from '../../src/personas/context';

describe('formatContext', () => {
  it('numbers lines from the selection start and names the file', () => {
    const { context, note } = formatContext({ path: 'src/a.ts', text: 'one\ntwo', startLine: 9, kind: 'selection' }, 1000);
    assert.equal(context, 'File: src/a.ts (selection, lines 9-10)\n 9| one\n10| two');
    assert.equal(note, null);
  });

  it('cuts at the bound with a note, never failing', () => {
    const text = Array.from({ length: 100 }, (_, i) => `line ${i + 1}`).join('\n');
    const { context, note } = formatContext({ path: 'big.ts', text, startLine: 1, kind: 'file' }, 200);
    assert.ok(context.length < 400);
    assert.match(note ?? '', /^Context cut to \d+ of 100 lines/);
    assert.match(context, /agentOsPersonas\.context\.maxChars/);
  });
});
