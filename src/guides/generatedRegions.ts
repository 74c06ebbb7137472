/**
 * Generated regions of a markdown file: `<!-- generated:<name>:start -->` … `<!-- generated:<name>:end -->`.
 * Everything between the markers belongs to the generator; the rest of the file is written by hand.
 */

function markers(name: string): { start: string; end: string } {
  return { start: `<!-- generated:${name}:start -->`, end: `<!-- generated:${name}:end -->` };
}

/** The text between a region's markers (without the newlines next to them), or undefined when the file lacks them. */
export function readRegion(text: string, name: string): string | undefined {
  const { start, end } = markers(name);
  const from = text.indexOf(start);
  const to = text.indexOf(end, from + start.length);
  if (from < 0 || to < 0) return undefined;
  return text.slice(from + start.length, to).replace(/^\n/, '').replace(/\n$/, '');
}

/** The file with the region's body replaced; a file without the markers is an error naming them. */
export function replaceRegion(text: string, name: string, body: string): string {
  const { start, end } = markers(name);
  const from = text.indexOf(start);
  const to = text.indexOf(end, from + start.length);
  if (from < 0 || to < 0) throw new Error(`The file has no "${start}" … "${end}" markers; add them where the generated text goes.`);
  return `${text.slice(0, from + start.length)}\n${body}\n${text.slice(to)}`;
}
