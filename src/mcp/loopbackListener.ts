import { readFileSync } from 'node:fs';
import { endianness } from 'node:os';

/** What the kernel's socket tables say about who listens on a loopback port. */
export type ListenerCheck = { kind: 'unavailable' } | { kind: 'none' } | { kind: 'listeners'; uids: number[] };

/** Which listening addresses a connection to the URL's host can reach (the host itself, or a wildcard). */
export type LoopbackHost = '127.0.0.1' | '::1' | 'localhost';

const LISTEN = '0A';

/**
 * The uids of the sockets listening on `port` at an address a connection to `host` reaches,
 * from Linux's /proc/net/tcp and /proc/net/tcp6 (this network namespace's sockets, with the
 * uid of each socket's owner). "unavailable" where /proc is absent (macOS, Windows) or shows
 * no listening socket at all (WSL 1 leaves the tables empty): the check is then skipped.
 */
export function loopbackListeners(host: LoopbackHost, port: number, procNet = '/proc/net'): ListenerCheck {
  const tables = ['tcp', 'tcp6'].map((name) => readTable(`${procNet}/${name}`));
  if (tables.every((t) => t === undefined)) return { kind: 'unavailable' };
  let anyListening = false;
  const uids: number[] = [];
  for (const [i, table] of tables.entries()) {
    for (const row of table ?? []) {
      if (row.state !== LISTEN) continue;
      anyListening = true;
      if (row.port === port && reaches(host, i === 0 ? 4 : 6, row.address)) uids.push(row.uid);
    }
  }
  if (!anyListening) return { kind: 'unavailable' };
  return uids.length > 0 ? { kind: 'listeners', uids } : { kind: 'none' };
}

interface SocketRow {
  address: Uint8Array;
  port: number;
  state: string;
  uid: number;
}

function readTable(file: string): SocketRow[] | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const rows: SocketRow[] = [];
  // "sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode"
  for (const line of text.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    const [local, state, uid] = [fields[1], fields[3], fields[7]];
    if (!local || !state || !uid) continue;
    const [hex, portHex] = local.split(':');
    if (!hex || !portHex || !/^[0-9A-Fa-f]+$/.test(hex) || (hex.length !== 8 && hex.length !== 32)) continue;
    rows.push({ address: networkOrder(hex), port: parseInt(portHex, 16), state, uid: Number(uid) });
  }
  return rows;
}

/**
 * The kernel prints an address as 32-bit words in host byte order (127.0.0.1 is 0100007F on
 * x86); this turns it into the address's bytes in network order.
 */
function networkOrder(hex: string): Uint8Array {
  const bytes = Buffer.from(hex, 'hex');
  if (endianness() === 'LE') for (let i = 0; i < bytes.length; i += 4) bytes.subarray(i, i + 4).reverse();
  return bytes;
}

function reaches(host: LoopbackHost, family: 4 | 6, address: Uint8Array): boolean {
  const zero = (from: number, to: number): boolean => address.subarray(from, to).every((b) => b === 0);
  const ipv4 = (a: Uint8Array): 'loopback' | 'any' | 'other' => (a.every((b) => b === 0) ? 'any' : a[0] === 127 && a[1] === 0 && a[2] === 0 && a[3] === 1 ? 'loopback' : 'other');
  const wantsV4 = host !== '::1';
  const wantsV6 = host !== '127.0.0.1';
  if (family === 4) return wantsV4 && ipv4(address) !== 'other';
  if (zero(0, 16)) return true; // [::] takes IPv4 too unless IPV6_V6ONLY; counting it is the safe side.
  if (wantsV6 && zero(0, 15) && address[15] === 1) return true;
  // An IPv4-mapped address (::ffff:a.b.c.d) on a dual-stack socket.
  return wantsV4 && zero(0, 10) && address[10] === 0xff && address[11] === 0xff && ipv4(address.subarray(12)) !== 'other';
}
