import * as vscode from 'vscode';
import type { PersonaFileProblem } from '../personas/personaFile';
import { FileProblemsPanel } from './fileProblems';

/**
 * Persona files that failed to load, from every source (shipped, `.agent-os/personas`,
 * `.claude/agents`, `.github/agents`): in the Problems panel at the file and line, refreshed on
 * every registry change, each announced once.
 */
export class PersonaDiagnostics extends FileProblemsPanel<PersonaFileProblem> {
  constructor(log: vscode.LogOutputChannel) {
    super(log, {
      collection: 'agent-os-personas',
      text: (p) => `Persona not loaded: ${p.message}`,
      severity: () => vscode.DiagnosticSeverity.Warning,
      announce: () => true,
      toast: (first, more) => `Persona file skipped: ${first.file}:${first.line}: ${first.message}${more > 0 ? ` (and ${more} more)` : ''}. The other personas loaded.`,
      logLine: (p) => `persona file skipped: ${p.file}:${p.line}: ${p.message}`,
    });
  }
}
