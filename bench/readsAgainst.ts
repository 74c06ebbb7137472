// `npm run bench -- --reads-against=<checkout>`: the cost of reading a file named by input, in
// this build and in another checkout's build (its `npm run build` done), side by side in one
// process, rounds alternating which goes first. Two paths that exist in both builds: the MCP
// `files` argument (readWorkspaceText) and the persona's read_file tool (runTool), each on a
// 1 KB and a 200 KB file. Without a checkout, this build's figures alone. Figures only.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readWorkspaceText } from '../src/core/workspaceFile';
import { PERSONA_TOOLS, runTool } from '../src/personas/tools';
import type { ToolContext } from '../src/personas/tools/types';
import { fmtMs, percentile } from './stats';

type ReadText = (root: string, input: string, maxChars: number) => Promise<string>;
type RunTool = typeof runTool;
interface Build {
  name: string;
  readText: ReadText;
  readFileTool: (root: string, path: string) => Promise<unknown>;
}

const ROUNDS = 5;
const READS = 2000;
const SIZES = [
  { label: '1 KB', bytes: 1024 },
  { label: '200 KB', bytes: 200 * 1024 },
];

function buildOf(name: string, readText: ReadText, tools: readonly unknown[], run: RunTool): Build {
  const context = (root: string): ToolContext => ({ root, persona: 'bench', jobId: 'bench', host: { searchStandards: () => Promise.resolve([]), proposeStandard: () => Promise.reject(new Error('no')) }, signal: new AbortController().signal });
  return { name, readText, readFileTool: (root, path) => run(tools as typeof PERSONA_TOOLS, 'read_file', { path }, context(root)) };
}

async function p50(op: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 100; i++) await op();
  const times: number[] = [];
  for (let i = 0; i < READS; i++) {
    const t = performance.now();
    await op();
    times.push(performance.now() - t);
  }
  return percentile(times, 50);
}

export async function readsAgainstBench(checkout: string | undefined): Promise<void> {
  const builds: Build[] = [buildOf('this build', readWorkspaceText, PERSONA_TOOLS, runTool)];
  if (checkout) {
    const out = join(resolve(checkout), 'out', 'src');
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- another checkout's compiled modules, loaded at run time
    const other = require(join(out, 'core', 'workspaceFile.js')) as { readWorkspaceText: ReadText };
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- as above
    const otherTools = require(join(out, 'personas', 'tools', 'index.js')) as { PERSONA_TOOLS: readonly unknown[]; runTool: RunTool };
    builds.push(buildOf(`checkout ${checkout}`, other.readWorkspaceText, otherTools.PERSONA_TOOLS, otherTools.runTool));
  }
  const root = mkdtempSync(join(tmpdir(), 'agent-os-bench-reads-'));
  try {
    mkdirSync(join(root, 'src'));
    for (const size of SIZES) writeFileSync(join(root, 'src', `${size.bytes}.ts`), 'export const line = 1;\n'.repeat(Math.ceil(size.bytes / 23)).slice(0, size.bytes));
    console.log(`file reads named by input: p50 of ${READS} reads, median over ${ROUNDS} rounds (builds alternate first)`);
    for (const size of SIZES) {
      const path = `src/${size.bytes}.ts`;
      for (const [label, op] of [
        ['files argument', (b: Build) => () => b.readText(root, path, 60_000)],
        ['read_file tool', (b: Build) => () => b.readFileTool(root, path)],
      ] as const) {
        const figures = new Map<string, number[]>(builds.map((b) => [b.name, []]));
        for (let r = 0; r < ROUNDS; r++) {
          const order = r % 2 === 0 ? builds : [...builds].reverse();
          for (const b of order) figures.get(b.name)!.push(await p50(op(b)));
        }
        const medians = builds.map((b) => ({ name: b.name, ms: percentile(figures.get(b.name)!, 50) }));
        const ratio = medians.length === 2 ? `; ratio ${(medians[0]!.ms / medians[1]!.ms).toFixed(2)}x` : '';
        console.log(`  ${size.label} ${label}: ${medians.map((m) => `${m.name} ${fmtMs(m.ms)}`).join(', ')}${ratio}`);
      }
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
