import assert from 'node:assert/strict';
import { EvidenceGates } from '../../src/workflows/evidenceGate';

const gate = (pattern: string): Record<string, unknown> => ({ type: 'object', required: ['value'], properties: { value: { type: 'string', pattern } }, additionalProperties: false });

describe('evidence gates: every pattern is enforced as written', () => {
  it('refuses a value that only the JSON Schema meta-schema\'s own pattern would accept', () => {
    const gates = new EvidenceGates();
    const ticket = gate('^ZZZ-[0-9]{3}$');
    assert.deepEqual(gates.check(ticket, { value: 'ZZZ-123' }), []);
    assert.deepEqual(gates.check(ticket, { value: 'demo-ticket' }).map((f) => f.field), ['value']);
  });

  it('keeps two gates\' patterns apart in one validator', () => {
    const gates = new EvidenceGates();
    const location = gate('^[^\\s:]+:\\d+(-\\d+)?$');
    const version = gate('^\\d+\\.\\d+\\.\\d+$');
    assert.deepEqual(gates.check(location, { value: 'src/app.ts:12' }), []);
    assert.deepEqual(gates.check(version, { value: '1.2.3' }), []);
    assert.equal(gates.check(location, { value: '1.2.3' }).length, 1);
    assert.equal(gates.check(version, { value: 'src/app.ts:12' }).length, 1);
    assert.match(gates.check(location, { value: 'reviewed the code' })[0]!.reason, /path:line/);
  });
});
