// A bench entry that runs inside the VS Code extension host (through the integration harness):
// prints the extension's own activate() duration, then the result the harness needs.
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { PersonasApi } from '../../src/ui/personasExtension';

export async function run(): Promise<void> {
  const extension = vscode.extensions.getExtension<PersonasApi>('agent-os.agent-os-personas');
  const api = extension ? (extension.isActive ? extension.exports : await extension.activate()) : undefined;
  await api?.ready;
  const ok = api !== undefined && api.activationMs > 0 && api.services !== undefined;
  console.log(`BENCH activationMs=${api?.activationMs.toFixed(1) ?? 'n/a'} readyMs=${api?.readyMs.toFixed(1) ?? 'n/a'}`);
  const file = process.env['AGENT_OS_TEST_RESULT_FILE'];
  if (file) fs.writeFileSync(file, JSON.stringify({ passed: ok ? 1 : 0, failed: ok ? 0 : 1, failures: ok ? [] : [{ title: 'activation', error: 'extension did not activate' }] }));
  if (!ok) throw new Error('extension did not activate');
}
