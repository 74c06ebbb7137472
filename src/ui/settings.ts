import * as vscode from 'vscode';
import { DEFAULT_CONTEXT_MAX_CHARS } from '../personas/context';
import type { ModelSettings, ProviderSetting } from '../personas/modelResolver';
import type { Retention } from '../jobs/types';
import { DEFAULT_ANTHROPIC_MODEL } from '../personas/modelNames';
import type { TelemetrySettings } from '../telemetry/tracingConfig';

const SECTION = 'agentOsPersonas';

function config(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(SECTION);
}

export function readModelSettings(): ModelSettings {
  const c = config();
  return {
    provider: c.get<ProviderSetting>('model.provider', 'auto'),
    model: c.get<string>('model.name', DEFAULT_ANTHROPIC_MODEL),
    baseUrl: c.get<string>('model.baseUrl', '').trim(),
    maxTokens: c.get<number>('model.maxTokens', 4096),
    requestTimeoutSeconds: c.get<number>('model.requestTimeoutSeconds', 600),
    vscodeLmSelector: c.get<string>('model.vscodeLmSelector', '').trim(),
  };
}

/** Read at start: tracing follows a change after the window reloads. */
export function readTelemetrySettings(): TelemetrySettings {
  const c = config();
  return { otlpEndpoint: c.get<string>('telemetry.otlpEndpoint', '').trim(), captureContent: c.get<boolean>('telemetry.captureContent', false) };
}

export function readRetention(): Retention {
  const c = config();
  return {
    completedDays: c.get<number>('jobs.retentionDays.completed', 30),
    failedDays: c.get<number>('jobs.retentionDays.failed', 30),
    cancelledDays: c.get<number>('jobs.retentionDays.cancelled', 7),
  };
}

export const readMaxStoreMegabytes = (): number => config().get<number>('jobs.maxStoreMegabytes', 100);
export const readWorkerCount = (): number => config().get<number>('jobs.workerCount', 3);
/** Read when each job starts, so a change applies to the next job without a reload. */
export const readJobTimeoutMs = (): number => Math.max(1, config().get<number>('jobs.timeoutMinutes', 15)) * 60_000;
export const readContextMaxChars = (): number => config().get<number>('context.maxChars', DEFAULT_CONTEXT_MAX_CHARS);
export const readOpenOnCompletion = (): boolean => config().get<boolean>('results.openOnCompletion', true);

export function onModelSettingsChanged(listener: () => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration(`${SECTION}.model`)) listener();
  });
}
