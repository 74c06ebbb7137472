import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const ENDPOINT_FILE = 'mcp-endpoint.json';

export interface EndpointInfo {
  url: string;
  token: string;
  pid: number;
  owner: string;
}

/**
 * Where the store's owner publishes its MCP endpoint for other processes of the same user
 * (the stdio CLI proxies to it). Mode 0600, written atomically: the token never sits in a
 * file another user can read.
 */
export function writeEndpointFile(dataDir: string, info: EndpointInfo): void {
  const file = join(dataDir, ENDPOINT_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(info, null, 2), { mode: 0o600 });
  renameSync(tmp, file);
}

export function readEndpointFile(dataDir: string): EndpointInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(join(dataDir, ENDPOINT_FILE), 'utf8')) as Partial<EndpointInfo>;
    if (typeof info.url === 'string' && typeof info.token === 'string' && typeof info.pid === 'number') return info as EndpointInfo;
  } catch {
    // Missing or half-written: treated as no endpoint.
  }
  return undefined;
}

/** Removes the file only if it is still ours (a newer owner may have replaced it). */
export function removeEndpointFile(dataDir: string, token: string): void {
  if (readEndpointFile(dataDir)?.token === token) rmSync(join(dataDir, ENDPOINT_FILE), { force: true });
}
