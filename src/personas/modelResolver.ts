import type { Disposable } from '../core/disposable';
import { DemoModelServer, DEMO_MODEL_ID, DEMO_MODEL_LABEL } from './demoModel/server';
import { chatModelLabel, describeSelector, noChatBridgeError, noChatModelError, parseChatModelSelector, type ChatModelBridge } from './chatBridge';
import type { ModelConfig } from './modelConfig';
import { missingKeyError } from './modelErrors';

export type ProviderSetting = 'auto' | 'anthropic' | 'demo' | 'vscode-lm';

export interface ModelSettings {
  provider: ProviderSetting;
  model: string;
  baseUrl: string;
  maxTokens: number;
  requestTimeoutSeconds: number;
  /** vscode-lm: `vendor` or `vendor/family`; empty picks the first chat model VS Code offers. */
  vscodeLmSelector?: string;
}

export interface ModelDescription {
  kind: ModelConfig['kind'];
  label: string;
  keyMissing: boolean;
}

/**
 * Decides which model answers a job: Anthropic when a key is available (or required by the
 * setting), otherwise the built-in demo model, started on first use on loopback; or, when the
 * setting says `vscode-lm`, a chat model of VS Code's Language Model API (through `chat`, which
 * only the editor can give: without it that setting fails with MODEL_UNAVAILABLE).
 */
export class ModelResolver implements Disposable {
  private demo: Promise<DemoModelServer> | undefined;

  constructor(
    private readonly settings: () => ModelSettings,
    private readonly apiKey: () => Promise<string | undefined>,
    private readonly chat?: ChatModelBridge,
  ) {}

  /** What `resolve` would pick, without starting anything: for labels in the UI. */
  async describe(): Promise<ModelDescription> {
    const s = this.settings();
    const key = await this.apiKey();
    if (s.provider === 'vscode-lm') {
      const selector = parseChatModelSelector(s.vscodeLmSelector ?? '');
      const found = await this.chat?.selectModel(selector).catch(() => undefined);
      return { kind: 'vscode-lm', label: found ? chatModelLabel(found) : `no chat model (${describeSelector(selector)})`, keyMissing: !key };
    }
    if (s.provider === 'demo' || (s.provider === 'auto' && !key)) {
      return { kind: 'demo', label: DEMO_MODEL_LABEL, keyMissing: !key };
    }
    return { kind: 'anthropic', label: s.model, keyMissing: !key };
  }

  async resolve(): Promise<ModelConfig> {
    const s = this.settings();
    const key = await this.apiKey();
    const common = { maxTokens: s.maxTokens, idleTimeoutMs: s.requestTimeoutSeconds * 1000, maxRetries: 3 };
    if (s.provider === 'vscode-lm') {
      if (!this.chat) throw noChatBridgeError();
      const selector = parseChatModelSelector(s.vscodeLmSelector ?? '');
      const found = await this.chat.selectModel(selector);
      if (!found) throw noChatModelError(selector);
      return { kind: 'vscode-lm', label: chatModelLabel(found), model: found.id, apiKey: '', chatModel: { vendor: found.vendor, id: found.id }, ...common };
    }
    if (s.provider === 'demo' || (s.provider === 'auto' && !key)) {
      const server = await this.demoServer();
      return { kind: 'demo', label: DEMO_MODEL_LABEL, model: DEMO_MODEL_ID, apiKey: 'demo', baseURL: server.url, ...common };
    }
    if (!key) throw missingKeyError();
    return { kind: 'anthropic', label: s.model, model: s.model, apiKey: key, ...(s.baseUrl ? { baseURL: s.baseUrl } : {}), ...common };
  }

  /** The running demo model server, starting it if needed. */
  demoServer(): Promise<DemoModelServer> {
    this.demo ??= DemoModelServer.start();
    return this.demo;
  }

  async dispose(): Promise<void> {
    const demo = this.demo;
    this.demo = undefined;
    await (await demo?.catch(() => undefined))?.dispose();
  }
}
