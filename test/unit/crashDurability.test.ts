import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { JobStore } from '../../src/jobs/jobStore';
import { REPO_ROOT } from './tempDir';

const TRIALS = 50;

interface Acks {
  created: Set<string>;
  completed: Set<string>;
}

/** Runs the writer until it has acknowledged `killAfter` writes, then SIGKILLs it. */
function runAndKill(dir: string, killAfter: number): Promise<Acks> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--require', join(REPO_ROOT, 'out/test/unit/setup.js'), join(REPO_ROOT, 'out/test/unit/fixtures/crashWriter.js'), dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    const acks: Acks = { created: new Set(), completed: new Set() };
    let count = 0;
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const [kind, what, id] = line.split(' ');
      if (kind !== 'ACK' || !id) return;
      (what === 'create' ? acks.created : acks.completed).add(id);
      if (++count === killAfter) child.kill('SIGKILL');
    });
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(acks);
      else reject(new Error(`writer exited with ${code ?? signal} before the kill: ${stderr}`));
    });
  });
}

describe('durability under kill -9', function () {
  this.timeout(180_000);

  it(`keeps every acknowledged write and opens every time (${TRIALS} trials)`, async () => {
    let totalAcks = 0;
    for (let trial = 0; trial < TRIALS; trial++) {
      const dir = mkdtempSync(join(tmpdir(), 'agent-os-kill-'));
      try {
        // Every fifth trial kills twice in a row: the second writer starts from a recovered store.
        for (const round of trial % 5 === 0 ? [0, 1] : [0]) {
          const killAfter = 1 + Math.floor(Math.random() * 300);
          const acks = await runAndKill(dir, killAfter);
          totalAcks += acks.created.size + acks.completed.size;
          const store = await JobStore.open({ dir });
          try {
            for (const id of acks.created) assert.ok(store.get(id), `trial ${trial}.${round}: acknowledged create ${id} is missing`);
            for (const id of acks.completed) assert.equal(store.get(id)?.status, 'completed', `trial ${trial}.${round}: acknowledged completion ${id} is missing`);
          } finally {
            await store.close();
          }
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    assert.ok(totalAcks > TRIALS, `the writers acknowledged ${totalAcks} writes`);
  });
});
