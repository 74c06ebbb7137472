// Proves the integration harness end to end: we run inside the real VS Code extension host.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

describe('integration harness smoke', () => {
  it('runs inside VS Code 1.x', () => {
    assert.match(vscode.version, /^1\./);
  });

  it('opened exactly one workspace folder, the sample workspace copy', async () => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.equal(folders.length, 1);
    const folder = folders[0];
    assert.ok(folder);
    const readme = vscode.Uri.joinPath(folder.uri, 'README.md');
    const stat = await vscode.workspace.fs.stat(readme);
    assert.equal(stat.type, vscode.FileType.File);
  });

  it('inherits the harness environment in the extension host', () => {
    assert.ok(process.env.AGENT_OS_TEST_RESULT_FILE, 'AGENT_OS_TEST_RESULT_FILE not inherited');
  });
});
