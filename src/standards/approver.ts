import { execFile } from 'node:child_process';
import { userInfo } from 'node:os';

export interface ApproverSources {
  /** `git config user.name` in the workspace; undefined when git is missing or has none. */
  gitUserName(workspaceRoot: string): Promise<string | undefined>;
  /** The operating system's user name. */
  osUserName(): string | undefined;
}

const realSources: ApproverSources = {
  gitUserName: (cwd) =>
    new Promise((resolve) => {
      execFile('git', ['config', 'user.name'], { cwd, timeout: 3000, windowsHide: true }, (err, stdout) => resolve(err ? undefined : String(stdout)));
    }),
  osUserName: () => {
    try {
      return userInfo().username;
    } catch {
      return undefined;
    }
  },
};

/**
 * Who is approving: the person at this editor, as git knows them in this workspace, else the
 * OS user, else "person". Never taken from a proposal, a tool call or a webview message.
 */
export async function whoApproves(workspaceRoot: string, sources: ApproverSources = realSources): Promise<string> {
  const git = clean(await sources.gitUserName(workspaceRoot).catch(() => undefined));
  if (git) return git;
  return clean(sources.osUserName()) || 'person';
}

/** One line of printable text, at most 100 characters. */
function clean(name: string | undefined): string {
  return (name ?? '').replace(/[\p{Cc}\p{Cf}]/gu, ' ').replace(/\s+/g, ' ').trim().slice(0, 100);
}
