import * as vscode from 'vscode';
import { PersonaError } from '../core/errors';
import type { PersonaServices } from '../services';
import { STANDARD_SLUG } from '../standards/proposalStore';
import { STANDARD_TEMPLATE_BODY } from '../standards/template';

/** Arguments accepted by `agentOsPersonas.newStandard`, so tests and other extensions need no UI. */
export interface NewStandardArgs {
  title?: string;
  domain?: string;
  topic?: string;
  /** The template unless given. */
  body?: string;
  tags?: string[];
}

const SLUG_HINT = 'lower-case letters, digits and hyphens, e.g. "api-errors"';

/**
 * A person starts a standard: a pending proposal from the template, by "person", which they
 * then edit and approve in the Standards view like any other. Returns its id (undefined when
 * the person cancels an input box).
 */
export async function newStandard(services: PersonaServices, args: NewStandardArgs = {}): Promise<string | undefined> {
  const title = args.title ?? (await vscode.window.showInputBox({
    title: 'New Standard (1/3)',
    prompt: 'A short title for the rule, e.g. "Errors carry a code and a hint".',
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() === '' ? 'The title cannot be empty.' : v.length > 120 ? 'At most 120 characters.' : undefined),
  }));
  if (title === undefined) return undefined;
  const domain = args.domain ?? (await vscode.window.showInputBox({
    title: 'New Standard (2/3)',
    prompt: 'The domain: the folder under .agent-os/standards, e.g. "security", "testing", "api".',
    value: 'engineering',
    ignoreFocusOut: true,
    validateInput: (v) => (STANDARD_SLUG.test(v) ? undefined : `Use ${SLUG_HINT}.`),
  }));
  if (domain === undefined) return undefined;
  const topic = args.topic ?? (await vscode.window.showInputBox({
    title: 'New Standard (3/3)',
    prompt: `The topic: the file name, ${SLUG_HINT}.`,
    value: slugify(title),
    ignoreFocusOut: true,
    validateInput: (v) => (STANDARD_SLUG.test(v) ? undefined : `Use ${SLUG_HINT}.`),
  }));
  if (topic === undefined) return undefined;
  if (!title.trim()) throw new PersonaError('INVALID_INPUT', 'The title cannot be empty.', 'Run Personas: New Standard… again with a title.');
  const proposal = await services.proposals.create({ domain, topic, title, body: args.body ?? STANDARD_TEMPLATE_BODY, tags: args.tags ?? [], createdBy: 'person' });
  return proposal.id;
}

/** "Errors carry a code & a hint!" → "errors-carry-a-code-a-hint". */
export function slugify(text: string): string {
  return (
    text
      .normalize('NFKD')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 64)
      .replace(/-+$/, '') || 'standard'
  );
}
