import * as vscode from 'vscode';

const SECRET_KEY = 'agentOsPersonas.anthropicApiKey';

/** The Anthropic key: SecretStorage first, then ANTHROPIC_API_KEY. Never settings, never logs. */
export class ApiKeyStore {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly secrets: vscode.SecretStorage) {}

  async get(): Promise<string | undefined> {
    const stored = await this.secrets.get(SECRET_KEY);
    return stored?.trim() || process.env['ANTHROPIC_API_KEY']?.trim() || undefined;
  }

  async set(key: string): Promise<void> {
    await this.secrets.store(SECRET_KEY, key.trim());
    this.changed.fire();
  }

  async clear(): Promise<void> {
    await this.secrets.delete(SECRET_KEY);
    this.changed.fire();
  }

  dispose(): void {
    this.changed.dispose();
  }
}

export async function promptForApiKey(store: ApiKeyStore, keyFromArgs?: string): Promise<boolean> {
  const key =
    keyFromArgs ??
    (await vscode.window.showInputBox({
      title: 'Anthropic API Key',
      prompt: 'Stored in VS Code SecretStorage (the OS keychain where available); never in settings.',
      password: true,
      ignoreFocusOut: true,
      placeHolder: 'sk-ant-…',
      validateInput: (value) => (value.trim().length < 8 ? 'Paste the whole key (it starts with "sk-ant-").' : undefined),
    }));
  if (!key || key.trim().length < 8) return false;
  await store.set(key);
  void vscode.window.showInformationMessage('Anthropic API key saved. Persona jobs now use Anthropic.');
  return true;
}
