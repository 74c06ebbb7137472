import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StandardHit } from '../personas/tools/types';

/**
 * Search over the approved standards in `.agent-os/standards/<domain>/<topic>.md`, by
 * section: each `##` section scores by how many query words it contains (headings count
 * double). Reads the files on each query: fine for the tens of standards a project has
 * until the ranked index replaces it.
 */
export class StandardsSearch {
  constructor(private readonly standardsDir: string) {}

  async search(query: { query: string; domain?: string; tags?: string[]; limit: number }): Promise<StandardHit[]> {
    const words = [...new Set(query.query.toLowerCase().match(/[\p{L}\p{N}_]{2,}/gu) ?? [])];
    if (words.length === 0) return [];
    const hits: StandardHit[] = [];
    const domains = await readdir(this.standardsDir, { withFileTypes: true }).catch(() => []);
    for (const domain of domains) {
      if (!domain.isDirectory() || (query.domain && domain.name !== query.domain)) continue;
      const files = await readdir(join(this.standardsDir, domain.name)).catch(() => [] as string[]);
      for (const file of files.filter((f) => f.endsWith('.md'))) {
        const text = await readFile(join(this.standardsDir, domain.name, file), 'utf8').catch(() => '');
        if (query.tags?.length && !query.tags.every((t) => new RegExp(`^tags:.*\\b${t.replace(/[^a-z0-9-]/g, '')}\\b`, 'm').test(text))) continue;
        for (const section of sections(text)) {
          const heading = section.heading.toLowerCase();
          const body = section.body.toLowerCase();
          const score = words.reduce((n, w) => n + (heading.includes(w) ? 2 : 0) + (body.includes(w) ? 1 : 0), 0);
          if (score > 0) hits.push({ path: `.agent-os/standards/${domain.name}/${file}`, heading: section.heading, snippet: section.body.trim().slice(0, 300), domain: domain.name, score });
        }
      }
    }
    return hits.sort((a, b) => b.score - a.score).slice(0, query.limit);
  }
}

function sections(text: string): { heading: string; body: string }[] {
  const body = text.replace(/^---\r?\n[\s\S]*?\r?\n---\r?\n?/, '');
  const out: { heading: string; body: string }[] = [];
  let current = { heading: '', body: '' };
  for (const line of body.split(/\r?\n/)) {
    const h = /^#{1,3}\s+(.*)$/.exec(line);
    if (h) {
      if (current.heading || current.body.trim()) out.push(current);
      current = { heading: h[1]!.trim(), body: '' };
    } else {
      current.body += `${line}\n`;
    }
  }
  if (current.heading || current.body.trim()) out.push(current);
  return out;
}
