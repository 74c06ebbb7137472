// Which editors hold something a person could ask a persona to review. Plain code (no `vscode`),
// so the unit tests check it.

/**
 * URI schemes of documents that are the person's own text: files on this machine or a remote
 * one, and untitled buffers. Everything else an editor shows is the workbench's or an
 * extension's (`output:` channels, `git:` originals, our own job results).
 */
const REVIEWABLE_SCHEMES = new Set(['file', 'vscode-remote', 'untitled']);

export function isReviewableScheme(scheme: string): boolean {
  return REVIEWABLE_SCHEMES.has(scheme);
}
