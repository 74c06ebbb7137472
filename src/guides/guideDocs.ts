import type { Persona } from '../personas/personaFile';
import { renderErrorCodes, renderPersonas, renderSettings, renderTools, type SettingDoc, type ToolDoc } from './docTables';
import { errorCatalog } from './errorCatalog';

/** What the generated regions are made from; each is read from the running code, not described again. */
export interface DocInputs {
  /** The MCP server's tools/list answer. */
  tools: readonly ToolDoc[];
  /** The shipped personas, as the registry loads them. */
  personas: readonly Persona[];
  /** package.json's contributes.configuration.properties. */
  settings: Readonly<Record<string, SettingDoc>>;
}

/** One guide file (relative to the repository root) and the body of each of its generated regions. */
export interface GeneratedDoc {
  file: string;
  regions: Record<string, string>;
}

export const PERSONA_GUIDE_DOC = 'docs/persona-guide.md';
export const INSTALL_GUIDE_DOC = 'docs/install.md';

/** Every generated region of the two guides, as the code makes them today. */
export function generatedDocs(inputs: DocInputs): GeneratedDoc[] {
  return [
    { file: PERSONA_GUIDE_DOC, regions: { personas: renderPersonas(inputs.personas), 'error-codes': renderErrorCodes(errorCatalog()) } },
    { file: INSTALL_GUIDE_DOC, regions: { 'mcp-tools': renderTools(inputs.tools), settings: renderSettings(inputs.settings) } },
  ];
}
