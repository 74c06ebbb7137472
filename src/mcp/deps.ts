import type { PersonaServices } from '../services';

/** What the MCP tools use: the core services of the workspace, and a clock. */
export interface McpDeps {
  services: PersonaServices;
  now: () => number;
}
