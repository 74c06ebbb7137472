/** Everything a worker needs to reach a model. Passed by message; never stored in a job row. */
export interface ModelConfig {
  /** `vscode-lm`: a chat model of VS Code's Language Model API, reached through the host. */
  kind: 'anthropic' | 'demo' | 'vscode-lm';
  /** Shown in the UI and on results: "demo model", the Anthropic model name, or "<chat model> (VS Code)". */
  label: string;
  model: string;
  apiKey: string;
  /** Undefined means the SDK's default endpoint. */
  baseURL?: string;
  /** vscode-lm only: the chat model picked when the job started, found again for each turn. */
  chatModel?: { vendor: string; id: string };
  maxTokens: number;
  /** A request that shows no sign of life (no headers, no stream event) this long fails. */
  idleTimeoutMs: number;
  maxRetries: number;
}
