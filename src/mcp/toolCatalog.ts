import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { PersonaServices } from '../services';
import { createPersonaServer } from './server';

/**
 * Every tool as an MCP client sees it (name, description, the JSON Schema the SDK made from the
 * zod shape), read through tools/list of the real server over an in-memory transport: what the
 * install guide documents is what `tools/list` answers, never a second description of it.
 */
export async function listServerTools(services: PersonaServices): Promise<Tool[]> {
  const server = createPersonaServer(services);
  const [serverSide, clientSide] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'agent-os-personas-docs', version: '1' });
  try {
    await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
    return (await client.listTools()).tools;
  } finally {
    await client.close();
    await server.close();
  }
}
