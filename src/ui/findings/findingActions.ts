import * as vscode from 'vscode';
import { PersonaError } from '../../core/errors';
import { DISMISS_REASONS, type DismissReason, type StoredFinding, type Suppression } from '../../findings/types';
import type { PersonaServices } from '../../services';
import { STANDARD_SLUG } from '../../standards/proposalStore';
import { followJob } from '../jobProgress';
import { slugify } from '../newStandard';
import type { FindingAnchors } from './findingAnchors';
import type { FindingsModel } from './findingsModel';
import { explainTask, findingContext, standardBody } from './findingText';

export const DISMISS_FINDING_COMMAND = 'agentOsPersonas.dismissFinding';
export const EXPLAIN_FINDING_COMMAND = 'agentOsPersonas.explainFinding';
export const PROPOSE_FROM_FINDING_COMMAND = 'agentOsPersonas.proposeStandardFromFinding';

/** A finding as the commands take it: the row itself (a code action passes it) or its fingerprint. */
export type FindingRef = Pick<StoredFinding, 'fingerprint'> | string;

const REASON_ITEMS: (vscode.QuickPickItem & { reason: DismissReason })[] = [
  { reason: 'false-positive', label: 'False positive', description: 'The code does not have this problem: the finding is wrong.' },
  { reason: 'wont-fix', label: 'Won\'t fix', description: 'The problem is real, but the team chose to leave it.' },
  { reason: 'accepted-risk', label: 'Accepted risk', description: 'The risk is known and accepted: say by whom, or until when.' },
];

/**
 * The lightbulb on a finding's diagnostic: Dismiss…, Ask <persona> to explain, Propose a
 * standard from this finding. Each runs a command that also takes its answers as arguments,
 * so tests and other extensions need no UI.
 */
export class FindingCodeActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  constructor(private readonly anchors: FindingAnchors) {}

  provideCodeActions(_doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of context.diagnostics) {
      const finding = this.anchors.findingOf(diagnostic);
      if (!finding) continue;
      const ref = { fingerprint: finding.fingerprint };
      const title = short(finding.title);
      const action = (label: string, command: string, tooltip: string): vscode.CodeAction => {
        const a = new vscode.CodeAction(label, vscode.CodeActionKind.QuickFix);
        a.diagnostics = [diagnostic];
        a.command = { title: label, command, arguments: [ref], tooltip };
        return a;
      };
      actions.push(
        action(`Dismiss "${title}"…`, DISMISS_FINDING_COMMAND, 'Pick a reason; the dismissal goes to .agent-os/suppressions.json for the team'),
        action(`Ask ${finding.persona} to explain "${title}"`, EXPLAIN_FINDING_COMMAND, 'A follow-up job with this finding as its context'),
        action(`Propose a standard from "${title}"`, PROPOSE_FROM_FINDING_COMMAND, 'A pending proposal in the Standards view; a person approves it'),
      );
    }
    return actions;
  }
}

/** What the commands need: the services, the shown findings, and their diagnostics. */
export interface FindingCommandDeps {
  services(): Promise<PersonaServices>;
  model: FindingsModel;
  anchors: FindingAnchors;
}

/**
 * Dismiss…: the reason (a quick pick unless given), the person's words (an input box unless
 * given; may be empty), then `.agent-os/suppressions.json`. The diagnostic goes at once and
 * comes back if the write is refused. Undefined when the person cancels.
 */
export async function dismissFinding(deps: FindingCommandDeps, ref: FindingRef | undefined, reason?: string, note?: string): Promise<Suppression | undefined> {
  const services = await deps.services();
  const finding = resolveFinding(services, deps.model, ref);
  const chosen = reason ?? (await vscode.window.showQuickPick(REASON_ITEMS, { title: `Dismiss "${short(finding.title)}" (1/2)`, placeHolder: 'Why is it dismissed?', ignoreFocusOut: true }))?.reason;
  if (chosen === undefined) return undefined;
  if (!isReason(chosen)) {
    throw new PersonaError('INVALID_INPUT', `"${chosen.slice(0, 40)}" is not a reason to dismiss a finding.`, `Give one of ${DISMISS_REASONS.join(', ')}.`);
  }
  const words = note ?? (await vscode.window.showInputBox({
    title: `Dismiss "${short(finding.title)}" (2/2)`,
    prompt: 'In your words (optional): kept with the dismissal in .agent-os/suppressions.json, which the team commits.',
    placeHolder: 'e.g. the key is a documented test fixture',
    ignoreFocusOut: true,
  }));
  if (words === undefined) return undefined;
  deps.anchors.hide(finding.fingerprint);
  try {
    return await services.findings.dismiss(finding, chosen, words.trim());
  } catch (err) {
    deps.anchors.show(finding.fingerprint);
    throw err;
  }
}

/** Ask <persona> to explain: a follow-up job with the finding (and its code as it reads now) as context, followed like Ask a Persona. */
export async function explainFinding(deps: FindingCommandDeps, ref: FindingRef | undefined): Promise<string> {
  const services = await deps.services();
  const finding = resolveFinding(services, deps.model, ref);
  const context = findingContext(finding, await deps.anchors.citedCode(finding));
  const job = await services.jobs.ask({ persona: finding.persona, task: explainTask(finding), context: { text: context }, source: 'palette' });
  void followJob(services, job);
  return job.id;
}

/**
 * Propose a standard from this finding: a pending proposal (by "person", never approved here)
 * drawn from the finding, revealed in the Standards view where it is edited, approved or
 * rejected like any other. Returns its id.
 */
export async function proposeStandardFromFinding(deps: FindingCommandDeps, ref: FindingRef | undefined): Promise<string | undefined> {
  const services = await deps.services();
  const finding = resolveFinding(services, deps.model, ref);
  const domain = STANDARD_SLUG.test(finding.persona) ? finding.persona : 'engineering';
  const args = {
    title: finding.title.trim().slice(0, 120),
    domain,
    topic: slugify(finding.title),
    body: standardBody(finding),
    tags: [finding.persona, finding.severity].filter((t) => STANDARD_SLUG.test(t)),
  };
  // Through New Standard's command: it creates the pending proposal and reveals it in the view.
  return vscode.commands.executeCommand<string | undefined>('agentOsPersonas.newStandard', args);
}

/** The finding as shown now (else as stored): a ref from an old lightbulb or a test may name one the model replaced. */
function resolveFinding(services: PersonaServices, model: FindingsModel, ref: FindingRef | undefined): StoredFinding {
  const fingerprint = typeof ref === 'string' ? ref : ref?.fingerprint;
  if (typeof fingerprint !== 'string' || fingerprint === '') {
    throw new PersonaError('INVALID_INPUT', 'No finding was given.', 'Use the lightbulb (Ctrl+.) on a finding in the editor, or pass { fingerprint } of a row from list_findings.');
  }
  const found = model.current().find((f) => f.fingerprint === fingerprint)
    ?? services.findings.list({ includeSuppressed: true, includePreexisting: true, limit: 1000 }).find((f) => f.fingerprint === fingerprint);
  if (!found) {
    throw new PersonaError('INVALID_INPUT', `There is no finding ${fingerprint.slice(0, 40)} (its job may have been cleaned up).`, 'Run the review again; its findings show in the Problems panel.');
  }
  return found;
}

function isReason(value: string): value is DismissReason {
  return (DISMISS_REASONS as readonly string[]).includes(value);
}

function short(title: string): string {
  return title.length <= 60 ? title : `${title.slice(0, 59).trimEnd()}…`;
}
