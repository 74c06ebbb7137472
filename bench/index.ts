// `npm run bench`: prints figures (not pass/fail). Activation in the real VS Code, then the
// job engine (create latency and throughput, polls, replay, stalls, ETA: bench/jobEngine.ts),
// then MCP tool calls over HTTP and stdio (bench/mcp.ts). `--no-vscode`, `--no-engine` and
// `--no-mcp` skip a part; `--only-mcp` runs the MCP part alone.
import { join } from 'node:path';
import { runIntegrationSuite } from '../test/harness/runIntegration';
import { freshWorkspaceCopy, repoRoot } from '../test/harness/codeServer';
import { jobEngineBench } from './jobEngine';
import { mcpBench, mcpOptionsFrom } from './mcp';

async function activation(): Promise<void> {
  let figure = 'not measured';
  let ready = 'not measured';
  const started = performance.now();
  const result = await runIntegrationSuite({
    extensionPath: repoRoot,
    testsEntry: join(repoRoot, 'out', 'bench', 'activation', 'index.js'),
    workspaceFolder: freshWorkspaceCopy('bench-activation-workspace'),
    runName: 'bench-activation',
    timeoutMs: 120_000,
    log: (line) => {
      const m = /BENCH activationMs=([\d.]+) readyMs=([\d.]+)/.exec(line);
      if (m) {
        figure = `${m[1]} ms`;
        ready = `${m[2]} ms`;
      }
    },
  });
  console.log(`extension activate() in the real VS Code 1.139.1: ${figure}; job store open and tree following it: ${ready} after activation began (fresh workspace)`);
  console.log(`  (cold code-server + Chromium + workbench + activation, whole run: ${((performance.now() - started) / 1000).toFixed(1)} s; harness result ${result.passed} passed, ${result.failed} failed)`);
}

async function main(): Promise<void> {
  console.log(`Agent OS Personas bench — ${new Date().toISOString()}, Node ${process.version}`);
  const argv = process.argv.slice(2);
  const onlyMcp = argv.includes('--only-mcp');
  if (!onlyMcp && !argv.includes('--no-vscode')) await activation();
  if (!onlyMcp && !argv.includes('--no-engine')) await jobEngineBench();
  if (!argv.includes('--no-mcp')) await mcpBench(mcpOptionsFrom(argv));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
