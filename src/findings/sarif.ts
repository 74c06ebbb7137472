import { posix } from 'node:path';
import type { FindingSeverity, StoredFinding } from './types';

/** What a SARIF log is made from (the CLI's `--format sarif`, the editor's Export Findings as SARIF…). */
export interface SarifInput {
  findings: readonly StoredFinding[];
  /** Every persona that ran, found something or not (one run each). */
  personas: readonly { id: string; name: string; description: string }[];
  /** This extension's version (package.json). */
  toolVersion: string;
  /**
   * The workspace folder's path inside the repository, `/`-separated ('' when the workspace is
   * the repository root): findings cite workspace-relative paths, SARIF uris are repository-relative.
   */
  workspaceInRepository: string;
  /** Where to learn about the tool; default the repository's URL (package.json `repository`). */
  informationUri?: string;
}

/** package.json's `repository.url` (a unit test keeps the two equal). */
export const REPOSITORY_URL = 'https://github.com/agent-os/agent-os-personas';

/** The official schema's address, the one GitHub code scanning and SARIF viewers recognise. */
export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';

/** The partialFingerprints key: our fingerprint survives unrelated edits, so alerts keep their identity across commits. */
export const FINGERPRINT_KEY = 'agentOsPersonas/v1';

const LEVEL: Record<FindingSeverity, 'error' | 'warning' | 'note'> = { critical: 'error', high: 'error', medium: 'warning', low: 'note' };

/** GitHub code scanning reads these (0-10) as Critical ≥ 9, High ≥ 7, Medium ≥ 4, Low above 0. */
const SECURITY_SEVERITY: Record<FindingSeverity, string> = { critical: '9.0', high: '7.5', medium: '5.0', low: '2.0' };

const RANK: Record<FindingSeverity, number> = { critical: 3, high: 2, medium: 1, low: 0 };

type Json = Record<string, unknown>;

/**
 * A SARIF 2.1.0 log of the findings, with what GitHub code scanning requires: one run per
 * persona (its own tool, so code scanning keeps each persona's alerts apart), a rule per
 * distinct title, and per result its level, message, repository-relative location and our
 * fingerprint. Security findings carry `security-severity` so code scanning ranks them.
 */
export function findingsToSarif(input: SarifInput): Json {
  const personas = [...input.personas];
  // A finding of a persona the caller did not list still gets a run: nothing is dropped.
  for (const f of input.findings) if (!personas.some((p) => p.id === f.persona)) personas.push({ id: f.persona, name: f.persona, description: '' });
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: personas.map((persona) => personaRun(persona, input.findings.filter((f) => f.persona === persona.id), input)),
  };
}

function personaRun(persona: { id: string; name: string; description: string }, findings: readonly StoredFinding[], input: SarifInput): Json {
  const rules: Json[] = [];
  const ruleIndex = new Map<string, number>();
  const worst = new Map<string, FindingSeverity>();
  const results = findings.map((f) => {
    const id = ruleId(persona.id, f.title);
    if (!ruleIndex.has(id)) {
      ruleIndex.set(id, rules.length);
      rules.push(rule(id, f));
    }
    const before = worst.get(id);
    if (!before || RANK[f.severity] > RANK[before]) worst.set(id, f.severity);
    return result(id, ruleIndex.get(id)!, f, input.workspaceInRepository);
  });
  // A rule's default level and security-severity are its worst result's: code scanning shows the rule's.
  for (const r of rules) {
    const severity = worst.get(r['id'] as string)!;
    r['defaultConfiguration'] = { level: LEVEL[severity] };
    const properties = r['properties'] as Json;
    if (isSecurity(persona.id)) properties['security-severity'] = SECURITY_SEVERITY[severity];
  }
  return {
    tool: {
      driver: {
        name: `Agent OS Personas: ${persona.id}`,
        fullName: `Agent OS Personas: ${persona.name}${persona.description ? ` (${persona.description})` : ''}`.slice(0, 300),
        version: input.toolVersion,
        informationUri: input.informationUri ?? REPOSITORY_URL,
        rules,
      },
    },
    // One category per persona: GitHub refuses a file with two runs of one tool and category.
    automationDetails: { id: `agent-os-personas/${persona.id}/` },
    columnKind: 'utf16CodeUnits',
    results,
  };
}

function rule(id: string, f: StoredFinding): Json {
  const recommendation = f.recommendation?.trim() || 'See the finding\'s message.';
  return {
    id,
    name: pascal(f.title),
    shortDescription: { text: f.title },
    fullDescription: { text: f.why?.trim() || f.title },
    help: { text: recommendation, markdown: `**Recommendation:** ${recommendation}${f.why ? `\n\n**Why:** ${f.why.trim()}` : ''}` },
    properties: { tags: isSecurity(f.persona) ? ['security'] : [f.persona] },
  };
}

function result(id: string, index: number, f: StoredFinding, workspaceInRepository: string): Json {
  const properties: Json = { severity: f.severity, anchored: f.anchored, jobId: f.jobId };
  if (f.scope) properties['scope'] = f.scope;
  if (isSecurity(f.persona)) properties['security-severity'] = SECURITY_SEVERITY[f.severity];
  const out: Json = {
    ruleId: id,
    ruleIndex: index,
    level: LEVEL[f.severity],
    message: { text: message(f) },
    partialFingerprints: { [FINGERPRINT_KEY]: f.fingerprint },
    properties,
  };
  // A diff review's findings: on a changed line "new", on an unchanged one "unchanged" (pre-existing).
  if (f.scope) out['baselineState'] = f.scope === 'changed' ? 'new' : 'unchanged';
  const location = physicalLocation(f, workspaceInRepository);
  if (location) out['locations'] = [{ physicalLocation: location }];
  return out;
}

/** Repository-relative uri and lines; none for a finding that cites no line or a path outside the workspace. */
function physicalLocation(f: StoredFinding, workspaceInRepository: string): Json | null {
  if (!f.file || f.startLine === null || f.startLine < 1) return null;
  const file = f.file.replace(/\\/g, '/');
  if (file.startsWith('/') || /^[a-z]:/i.test(file) || file.split('/').includes('..')) return null;
  const uri = posix.join(workspaceInRepository.replace(/\\/g, '/').replace(/^\/+|\/+$/g, ''), file);
  const region: Json = { startLine: f.startLine };
  if (f.endLine !== null && f.endLine >= f.startLine) region['endLine'] = f.endLine;
  // Percent-encoded as a URI reference (a space or # in a path would otherwise break it).
  return { artifactLocation: { uri: uri.split('/').map(encodeURIComponent).join('/'), uriBaseId: 'SRCROOT' }, region };
}

/** The alert text: the title, then the evidence and the recommendation (code scanning shows the message first). */
function message(f: StoredFinding): string {
  const parts = [f.title.trim().replace(/[.]$/, '') + '.'];
  if (f.evidence?.trim()) parts.push(f.evidence.trim());
  if (f.recommendation?.trim()) parts.push(`Recommendation: ${f.recommendation.trim()}`);
  return parts.join(' ');
}

/** The security persona's findings are security alerts (code scanning ranks them by security-severity). */
function isSecurity(persona: string): boolean {
  return persona === 'security';
}

/** `<persona>/<slug of the title>`: stable while the title is, so an alert keeps its rule. */
export function ruleId(persona: string, title: string): string {
  const slug = title.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 64).replace(/-+$/, '');
  return `${persona}/${slug || 'finding'}`;
}

function pascal(title: string): string {
  const name = title.normalize('NFKD').replace(/[^A-Za-z0-9]+/g, ' ').trim().split(' ').map((w) => (w ? w[0]!.toUpperCase() + w.slice(1) : '')).join('');
  return name.slice(0, 100) || 'Finding';
}
