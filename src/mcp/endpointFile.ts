import { rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { readOwnFile, writePrivateFile } from '../core/ownFile';

export const ENDPOINT_FILE = 'mcp-endpoint.json';
/** The file as a refusal names it: workspace-relative, never the machine's absolute path. */
export const ENDPOINT_FILE_SHOWN = `.agent-os/${ENDPOINT_FILE}`;

export interface EndpointInfo {
  url: string;
  token: string;
  /** The process serving the endpoint; the same process holds the store's lock (owner.json). */
  pid: number;
  owner: string;
  /** The machine the pid lives on; files written before it was added have none. */
  host?: string;
}

/** What .agent-os/mcp-endpoint.json holds, or why it is not to be followed. */
export type EndpointFileRead = { kind: 'ok'; info: EndpointInfo } | { kind: 'missing' } | { kind: 'refused'; reason: string };

/**
 * Where the store's owner publishes its MCP endpoint for other processes of the same user
 * (the stdio CLI proxies to it). Mode 0600, written atomically to a new file: the token never
 * sits in a file another user can read, and a file someone else left there is replaced.
 */
export function writeEndpointFile(dataDir: string, info: Omit<EndpointInfo, 'host'>): void {
  writePrivateFile(join(dataDir, ENDPOINT_FILE), JSON.stringify({ ...info, host: hostname() }, null, 2));
}

/**
 * Reads the endpoint file only if this user wrote it for this user alone: a regular file (not
 * a link, not a FIFO), owned by this user, mode 0600, checked on the open handle.
 */
export function inspectEndpointFile(dataDir: string): EndpointFileRead {
  const read = readOwnFile(join(dataDir, ENDPOINT_FILE), { maxBytes: 16 * 1024, private: true });
  if (read.kind !== 'read') return read;
  try {
    const info = JSON.parse(read.text) as Partial<EndpointInfo>;
    if (typeof info.url === 'string' && typeof info.token === 'string' && info.token.length > 0 && Number.isSafeInteger(info.pid) && (info.host === undefined || typeof info.host === 'string')) {
      return { kind: 'ok', info: { url: info.url, token: info.token, pid: info.pid!, owner: typeof info.owner === 'string' ? info.owner : 'unknown', ...(info.host !== undefined ? { host: info.host } : {}) } };
    }
  } catch {
    // Half-written or not JSON: refused below, like any other malformed file.
  }
  return { kind: 'refused', reason: 'it is not an endpoint record (url, token and pid)' };
}

/** The endpoint when the file passes inspectEndpointFile; otherwise undefined. */
export function readEndpointFile(dataDir: string): EndpointInfo | undefined {
  const read = inspectEndpointFile(dataDir);
  return read.kind === 'ok' ? read.info : undefined;
}

/** Removes the file only if it is still ours (a newer owner may have replaced it). */
export function removeEndpointFile(dataDir: string, token: string): void {
  if (readEndpointFile(dataDir)?.token === token) rmSync(join(dataDir, ENDPOINT_FILE), { force: true });
}
