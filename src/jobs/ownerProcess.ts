import { readFileSync } from 'node:fs';

/**
 * Whether the process a lock names on this host is still the one that took the lock.
 *
 * `process.kill(pid, 0)` alone says only that *some* process has that pid: a killed owner
 * whose parent has not reaped it yet (a zombie) answers as alive, and so does an unrelated
 * process that was given the pid after the owner died. On Linux, /proc/<pid>/stat tells both
 * apart: its state ('Z' zombie, 'X' dead) and its start time. Elsewhere the kill check stays.
 */

/**
 * USER_HZ, the unit of /proc/<pid>/stat's starttime. The kernel reports it in USER_HZ
 * (not CONFIG_HZ), which is 100 on every architecture Node runs on (x86, arm, arm64, ppc64,
 * s390x, riscv); asking `getconf CLK_TCK` would cost a process spawn per lock attempt.
 */
const TICKS_PER_SECOND = 100;
/**
 * /proc/stat's btime is whole seconds, so a start time computed from it may read up to 1 s
 * early, and a clock stepped since boot moves it; a start later than the lock by more than
 * this is another process.
 */
const START_SLACK_MS = 1000;

interface ProcStat {
  state: string;
  /** Clock ticks since boot. */
  startTicks: number;
}

/**
 * Fields of /proc/<pid>/stat after the command name. The name (field 2) is in parentheses and
 * may itself hold spaces and parentheses ("(a) b)"), so the fields start after the LAST ')'.
 */
export function parseProcStat(text: string): ProcStat | undefined {
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  // After the name: field 3 (state) is index 0, field 22 (starttime) is index 19.
  const fields = text.slice(close + 1).trim().split(/\s+/);
  const state = fields[0];
  const startTicks = Number(fields[19]);
  if (!state || !Number.isSafeInteger(startTicks)) return undefined;
  return { state, startTicks };
}

function readProcStat(pid: number): ProcStat | 'gone' | undefined {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch (err) {
    // No /proc/<pid> while /proc itself is there: the process ended between the checks.
    return (err as NodeJS.ErrnoException).code === 'ENOENT' && hasProc() ? 'gone' : undefined;
  }
}

let procPresent: boolean | undefined;
function hasProc(): boolean {
  if (procPresent === undefined) {
    try {
      readFileSync('/proc/self/stat');
      procPresent = true;
    } catch {
      procPresent = false;
    }
  }
  return procPresent;
}

let bootMs: number | undefined;
/** When this machine booted, ms since the epoch (/proc/stat btime); read once, it does not change. */
function bootTimeMs(): number | undefined {
  if (bootMs === undefined) {
    try {
      const btime = /^btime\s+(\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1];
      if (btime) bootMs = Number(btime) * 1000;
    } catch {
      return undefined;
    }
  }
  return bootMs;
}

/** When process `pid` started, ms since the epoch; undefined where /proc is missing. */
export function processStartMs(pid: number | 'self'): number | undefined {
  const stat = readProcStat(pid === 'self' ? process.pid : pid);
  return stat && stat !== 'gone' ? startMs(stat) : undefined;
}

function startMs(stat: ProcStat): number | undefined {
  const boot = bootTimeMs();
  return boot === undefined ? undefined : boot + (stat.startTicks * 1000) / TICKS_PER_SECOND;
}

/** What a lock records of its owner process, for `ownerProcessIsGone`. */
export interface OwnerProcess {
  pid: number;
  /** When the lock was taken, ms since the epoch. */
  since: number;
  /** The owner process's start time (processStartMs) when it recorded one. */
  started?: number;
}

/**
 * True when the process that took the lock no longer runs on this host: no process has its
 * pid, or that pid is a zombie or dead, or the process with that pid started after the lock
 * was taken (or at another time than the owner recorded): the pid was reused.
 */
export function ownerProcessIsGone(owner: OwnerProcess): boolean {
  try {
    process.kill(owner.pid, 0);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') return true;
    // EPERM: a process of another user has the pid. The owner was this user's (the store is
    // private), so it may be a reused pid: /proc, readable for every process, tells.
    if (code !== 'EPERM') return false;
  }
  const stat = readProcStat(owner.pid);
  if (stat === 'gone') return true;
  if (!stat) return false;
  if (stat.state === 'Z' || stat.state === 'X') return true;
  const started = startMs(stat);
  if (started === undefined) return false;
  if (owner.started !== undefined) return Math.abs(started - owner.started) > START_SLACK_MS;
  return started > owner.since + START_SLACK_MS;
}
