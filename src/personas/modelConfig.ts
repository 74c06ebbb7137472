/** Everything a worker needs to reach a model. Passed by message; never stored in a job row. */
export interface ModelConfig {
  kind: 'anthropic' | 'demo';
  /** Shown in the UI and on results: "demo model" or the Anthropic model name. */
  label: string;
  model: string;
  apiKey: string;
  /** Undefined means the SDK's default endpoint. */
  baseURL?: string;
  maxTokens: number;
  /** A request that shows no sign of life (no headers, no stream event) this long fails. */
  idleTimeoutMs: number;
  maxRetries: number;
}
