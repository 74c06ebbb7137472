import * as vscode from 'vscode';

const SECRET_KEY = 'agentOsPersonas.anthropicApiKey';
/** Context key: true while SecretStorage holds a key, so "Clear Anthropic API Key" shows only then. */
export const HAS_STORED_KEY_CONTEXT = 'agentOsPersonas.hasStoredApiKey';

/** The Anthropic key: SecretStorage first, then ANTHROPIC_API_KEY. Never settings, never logs. */
export class ApiKeyStore {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly watching: vscode.Disposable;

  constructor(private readonly secrets: vscode.SecretStorage) {
    // Another window of the same profile may set or clear the key.
    this.watching = secrets.onDidChange((e) => {
      if (e.key === SECRET_KEY) this.changed.fire();
    });
  }

  async get(): Promise<string | undefined> {
    const stored = await this.secrets.get(SECRET_KEY);
    return stored?.trim() || process.env['ANTHROPIC_API_KEY']?.trim() || undefined;
  }

  /** Whether SecretStorage holds a key (ANTHROPIC_API_KEY is the environment's: nothing to clear). */
  async hasStored(): Promise<boolean> {
    return Boolean((await this.secrets.get(SECRET_KEY))?.trim());
  }

  /** Keeps HAS_STORED_KEY_CONTEXT true exactly while a key is stored: now and on every change. */
  trackContextKey(): vscode.Disposable {
    const update = async (): Promise<void> => {
      await vscode.commands.executeCommand('setContext', HAS_STORED_KEY_CONTEXT, await this.hasStored());
    };
    void update();
    return this.onDidChange(() => void update());
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
    this.watching.dispose();
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
