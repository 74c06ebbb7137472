// A result document's `path:line` citations as markdown links, and finding them again in its
// text. Pure (no `vscode`), so the unit tests check both directions.
//
// Why a root-relative target (`/src/a.ts#L4`): the result is a virtual document
// (`agent-os-job:`), so a relative link would resolve beside it, inside that scheme. The built-in
// markdown preview resolves a link that starts with `/` against the workspace folder and opens
// it at the line its `#L<n>` fragment names; a `file:` or `command:` link is not delegated to
// the extension host by the preview, and it does not enable command links.
import { splitPathLines, type PathLine } from '../core/pathLineLinks';

/** The markdown with every citation of a workspace file turned into `[src/a.ts:4](/src/a.ts#L4)`. */
export function linkPathLines(markdown: string, isFile: (path: string) => boolean): string {
  return splitPathLines(markdown, isFile)
    .map((s) => (s.kind === 'text' ? s.value : `[${s.target.text}](${linkTarget(s.target)})`))
    .join('');
}

function linkTarget(target: PathLine): string {
  const path = target.path.split('/').map(encodeURIComponent).join('/');
  return `/${path}#L${target.line}${target.endLine !== target.line ? `-L${target.endLine}` : ''}`;
}

/** A link `linkPathLines` wrote, found in a document's text (for the source view's link provider). */
export interface ResultLink {
  /** Offsets of the whole `[text](target)` in the text. */
  start: number;
  end: number;
  /** Workspace-relative, decoded. */
  path: string;
  line: number;
  endLine: number;
}

const WRITTEN_LINK = /\[([^\]\n]+)\]\(\/([^()#\s]+)#L(\d+)(?:-L(\d+))?\)/g;

export function findResultLinks(text: string): ResultLink[] {
  const links: ResultLink[] = [];
  for (const m of text.matchAll(WRITTEN_LINK)) {
    let path: string;
    try {
      path = decodeURIComponent(m[2]!);
    } catch {
      continue; // Not one of ours: a malformed escape in a link the review wrote itself.
    }
    const line = Number(m[3]);
    links.push({ start: m.index, end: m.index + m[0].length, path, line, endLine: m[4] === undefined ? line : Number(m[4]) });
  }
  return links;
}
