import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { REPO_ROOT } from './tempDir';

/**
 * The official SARIF 2.1.0 JSON schema (OASIS, as Microsoft's SARIF Multitool ships it:
 * test/fixtures/sarif-schema-2.1.0.json is `sarif-2.1.0.json` of the npm package
 * @microsoft/sarif-multitool-linux 5.7.0, unchanged), compiled by ajv. Its formats are checked
 * with the platform's own parsers (URL, Date), not left unchecked.
 */
export function sarifValidator(): (log: unknown) => string[] {
  // strict: false: the official schema carries keywords ajv's strict mode does not know (it is not ours to change).
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  ajv.addFormat('uri', { validate: (s: string) => URL.canParse(s) });
  ajv.addFormat('uri-reference', { validate: (s: string) => !/\s/.test(s) && URL.canParse(s, 'file:///') });
  ajv.addFormat('uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
  ajv.addFormat('date-time', { validate: (s: string) => /^\d{4}-\d{2}-\d{2}T/.test(s) && !Number.isNaN(Date.parse(s)) });
  const validate = ajv.compile(JSON.parse(readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'sarif-schema-2.1.0.json'), 'utf8')) as object);
  return (log) => (validate(log) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`));
}

/** The parts of a SARIF log the tests read (what findingsToSarif writes). */
export interface SarifLog {
  $schema: string;
  version: string;
  runs: SarifRun[];
}

export interface SarifRun {
  tool: { driver: { name: string; version: string; informationUri: string; rules: SarifRule[] } };
  automationDetails?: { id: string };
  results: SarifResult[];
}

export interface SarifRule {
  id: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string; markdown: string };
  defaultConfiguration: { level: string };
  properties: { tags: string[]; 'security-severity'?: string };
}

export interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations?: { physicalLocation: { artifactLocation: { uri: string; uriBaseId: string }; region: { startLine: number; endLine?: number } } }[];
  partialFingerprints: Record<string, string>;
  baselineState?: string;
  properties: { severity: string; anchored: boolean; scope?: string; 'security-severity'?: string };
}
