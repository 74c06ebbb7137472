import { mkdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import * as vscode from 'vscode';
import { PersonaError } from '../core/errors';
import { resolveInWorkspace } from '../core/workspacePath';
import { EXPORT_FORMATS, exportPersona, type PersonaExportFormat } from '../personas/personaExport';
import type { PersonaServices } from '../services';

/** Arguments accepted by `agentOsPersonas.exportPersona`, so tests and other extensions need no pickers. */
export interface ExportArgs {
  persona?: string;
  format?: PersonaExportFormat;
}

/**
 * Personas: Export Persona… — writes a persona as a Claude Code subagent or a Copilot custom
 * agent in the workspace and opens it. Never overwrites silently: an existing file is replaced
 * only after a modal question whose default is No. Returns the written path, or undefined when
 * the person cancelled.
 */
export async function exportPersonaCommand(services: PersonaServices, args: ExportArgs = {}): Promise<string | undefined> {
  const personaId = args.persona ?? (await pickPersona(services));
  if (!personaId) return undefined;
  const persona = services.registry.require(personaId);
  const format = args.format ?? (await pickFormat(persona.name));
  if (!format) return undefined;
  if (!EXPORT_FORMATS.some((f) => f.format === format)) {
    throw new PersonaError('INVALID_INPUT', `"${String(format)}" is not an export format.`, `Use one of: ${EXPORT_FORMATS.map((f) => f.format).join(', ')}.`);
  }
  const exported = exportPersona(persona, format);
  const target = resolveInWorkspace(services.workspaceRoot, exported.relativePath);
  let overwrite = false;
  if (existsSync(target)) {
    const replace = 'Overwrite';
    const answer = await vscode.window.showWarningMessage(
      `${exported.relativePath} already exists. Overwrite it with the ${persona.name} persona?`,
      { modal: true, detail: 'The file is replaced; its current content is lost unless it is under version control.' },
      replace,
    );
    if (answer !== replace) return undefined;
    overwrite = true;
  }
  await mkdir(dirname(target), { recursive: true });
  // 'wx' fails if the file appeared since the check: still never an unasked overwrite.
  await writeFile(target, exported.text, { encoding: 'utf8', flag: overwrite ? 'w' : 'wx' });
  await vscode.window.showTextDocument(vscode.Uri.file(target), { preview: false });
  if (exported.notes.length > 0) {
    void vscode.window.showInformationMessage(`Exported ${persona.name} to ${exported.relativePath}. Not carried over: ${exported.notes.join('; ')}.`);
  }
  return target;
}

async function pickPersona(services: PersonaServices): Promise<string | undefined> {
  const items = services.registry.list().map((p) => ({ label: p.name, description: `${p.id} · ${p.format}`, detail: p.description, id: p.id }));
  if (items.length === 0) {
    throw new PersonaError('UNKNOWN_PERSONA', 'No personas are loaded.', 'The Problems panel lists persona files that failed to load.');
  }
  const picked = await vscode.window.showQuickPick(items, { title: 'Export Persona', placeHolder: 'Which persona?', matchOnDetail: true });
  return picked?.id;
}

async function pickFormat(personaName: string): Promise<PersonaExportFormat | undefined> {
  const picked = await vscode.window.showQuickPick(
    EXPORT_FORMATS.map((f) => ({ label: f.label, description: f.detail, format: f.format })),
    { title: `Export ${personaName} as…`, placeHolder: 'Which format?' },
  );
  return picked?.format;
}
