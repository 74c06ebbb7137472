import { createHash } from 'node:crypto';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { removeEndpointFile, writeEndpointFile } from '../mcp/endpointFile';
import { startMcpHttp, type McpHttpEndpoint } from '../mcp/httpServer';
import type { PersonaServices } from '../services';

export const MCP_PROVIDER_ID = 'agentOsPersonas.mcpServers';
export const MCP_SERVER_LABEL = 'Agent OS Personas';

/**
 * The persona MCP server for this window: loopback HTTP with a token made at activation,
 * offered to Copilot agent mode through the MCP server definition provider, and published in
 * .agent-os/mcp-endpoint.json (0600) for the stdio CLI to proxy to.
 */
export class McpEndpointHost implements vscode.Disposable, vscode.McpServerDefinitionProvider<vscode.McpHttpServerDefinition> {
  private endpoint: McpHttpEndpoint | undefined;
  private services: PersonaServices | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeMcpServerDefinitions = this.changed.event;
  private readonly registration: vscode.Disposable;

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.registration = vscode.lm.registerMcpServerDefinitionProvider(MCP_PROVIDER_ID, this);
  }

  async start(services: PersonaServices): Promise<McpHttpEndpoint> {
    this.services = services;
    const endpoint = await startMcpHttp(services, { log: (line) => this.log.warn(line) });
    this.endpoint = endpoint;
    writeEndpointFile(this.dataDir(), { url: endpoint.url, token: endpoint.token, pid: process.pid, owner: 'VS Code' });
    this.log.info(`MCP server on ${endpoint.url} (token in .agent-os/mcp-endpoint.json)`);
    this.changed.fire();
    return endpoint;
  }

  get current(): McpHttpEndpoint | undefined {
    return this.endpoint;
  }

  /** Called eagerly by the editor: no prompts here, only the definition. */
  provideMcpServerDefinitions(): vscode.McpHttpServerDefinition[] {
    const endpoint = this.endpoint;
    if (!endpoint) return [];
    // The version changes with the port or the token, so the editor reconnects and refreshes tools.
    const version = createHash('sha256').update(`${endpoint.url} ${endpoint.token}`).digest('hex').slice(0, 12);
    return [new vscode.McpHttpServerDefinition(MCP_SERVER_LABEL, vscode.Uri.parse(endpoint.url), { Authorization: `Bearer ${endpoint.token}` }, version)];
  }

  private dataDir(): string {
    return join(this.services?.workspaceRoot ?? '', '.agent-os');
  }

  async close(): Promise<void> {
    const endpoint = this.endpoint;
    this.endpoint = undefined;
    if (!endpoint) return;
    removeEndpointFile(this.dataDir(), endpoint.token);
    await endpoint.close();
  }

  dispose(): void {
    void this.close();
    this.registration.dispose();
    this.changed.dispose();
  }
}

/** What to paste into other MCP clients; stdio works without a token, over the same store. */
export async function copyMcpConfiguration(host: McpEndpointHost): Promise<string | undefined> {
  const endpoint = host.current;
  const items: (vscode.QuickPickItem & { text: string })[] = [
    {
      label: 'Claude Code (stdio)',
      detail: 'claude mcp add … — run in this workspace; it shares this window\'s jobs and standards',
      text: 'claude mcp add agent-os-personas -- npx agent-os-personas mcp',
    },
    {
      label: 'Cursor / Claude Desktop (.cursor/mcp.json, stdio)',
      detail: 'an mcpServers entry that starts the server in the workspace',
      text: JSON.stringify({ mcpServers: { 'agent-os-personas': { command: 'npx', args: ['agent-os-personas', 'mcp'] } } }, null, 2),
    },
  ];
  if (endpoint) {
    items.push({
      label: 'HTTP for this window (token changes on every start)',
      detail: endpoint.url,
      text: JSON.stringify({ servers: { 'agent-os-personas': { type: 'http', url: endpoint.url, headers: { Authorization: `Bearer ${endpoint.token}` } } } }, null, 2),
    });
  }
  const picked = await vscode.window.showQuickPick(items, { title: 'Copy MCP Configuration', placeHolder: 'Which client?' });
  if (!picked) return undefined;
  await vscode.env.clipboard.writeText(picked.text);
  void vscode.window.showInformationMessage(`Copied the ${picked.label} configuration.${picked.label.startsWith('HTTP') ? ' It holds a secret token: do not commit it.' : ''}`);
  return picked.text;
}
