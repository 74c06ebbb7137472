// The extension as a person gets it: the .vsix that `npm run package` builds, installed by
// VS Code's own installer (`code-server --install-extension`). The UI suite drives that copy,
// not the development folder, so a file missing from package.json "files" fails there.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { extensionFolderName, freshScratchDir, readTestVsCodePaths, repoRoot, tailFile, testOutputDir } from './codeServer';

/** Set by scripts/test.mjs after its package step: the .vsix every UI session installs. */
export const VSIX_ENV = 'AGENT_OS_TEST_VSIX';

let vsixPromise: Promise<string> | undefined;
let installPromise: Promise<string> | undefined;

/**
 * The .vsix under test: `$AGENT_OS_TEST_VSIX` when set (scripts/test.mjs packs once per run),
 * else packed here once per process (a mocha run started by hand), into test-output/.
 */
export function builtVsix(): Promise<string> {
  vsixPromise ??= (async () => {
    const given = process.env[VSIX_ENV];
    if (given) {
      if (!fs.existsSync(given)) throw new Error(`${VSIX_ENV}=${given} does not exist`);
      return path.resolve(given);
    }
    const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { name: string; version: string };
    const out = path.join(testOutputDir, `${pkg.name}-${pkg.version}.vsix`);
    fs.mkdirSync(testOutputDir, { recursive: true });
    const log = path.join(testOutputDir, 'package.log');
    const code = await runLogged(process.execPath, [path.join(repoRoot, 'scripts', 'package.mjs'), '--out', out], log, process.env);
    if (code !== 0) throw new Error(`scripts/package.mjs exited with ${code}\n--- tail of ${log} ---\n${tailFile(log, 20)}`);
    return out;
  })();
  return vsixPromise;
}

/**
 * The extension folder VS Code's installer unpacked from the .vsix, installed once per process
 * into `test-output/e2e-vsix-install/extensions/`; UI sessions link it into their own
 * extensions dir (an install per session would cost seconds each).
 */
export function installedExtension(): Promise<string> {
  installPromise ??= (async () => {
    const vsix = await builtVsix();
    const paths = readTestVsCodePaths();
    const scratch = freshScratchDir('e2e-vsix-install');
    const extensionsDir = path.join(scratch, 'extensions');
    const xdg = path.join(scratch, 'xdg');
    const log = path.join(scratch, 'install.log');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      XDG_CONFIG_HOME: path.join(xdg, 'config'),
      XDG_DATA_HOME: path.join(xdg, 'data'),
      XDG_CACHE_HOME: path.join(xdg, 'cache'),
      TMPDIR: scratch,
    };
    delete env.NODE_OPTIONS;
    const args = [paths.entry, '--user-data-dir', path.join(scratch, 'ud'), '--extensions-dir', extensionsDir, '--install-extension', vsix];
    const code = await runLogged(paths.node24, args, log, env);
    if (code !== 0) throw new Error(`code-server --install-extension ${path.basename(vsix)} exited with ${code}\n--- ${log} ---\n${tailFile(log, 20)}`);
    const installed = fs
      .readdirSync(extensionsDir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => path.join(extensionsDir, d.name));
    const folder = installed.find((dir) => fs.existsSync(path.join(dir, 'package.json')) && path.basename(dir) === extensionFolderName(dir));
    if (!folder) throw new Error(`installing ${path.basename(vsix)} left no extension folder in ${extensionsDir}\n--- ${log} ---\n${tailFile(log, 20)}`);
    return folder;
  })();
  return installPromise;
}

/** The entry names of a zip file (a .vsix is one), read from its central directory. */
export function zipEntryNames(file: string): string[] {
  const buf = fs.readFileSync(file);
  // End of central directory: signature 0x06054b50, within the last 64 KiB + 22 bytes (comment).
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error(`${file} is not a zip file (no end of central directory)`);
  const count = buf.readUInt16LE(eocd + 10);
  let offset = buf.readUInt32LE(eocd + 16);
  const names: string[] = [];
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(offset) !== 0x02014b50) throw new Error(`${file}: central directory entry ${n} is malformed`);
    const nameLength = buf.readUInt16LE(offset + 28);
    const extraLength = buf.readUInt16LE(offset + 30);
    const commentLength = buf.readUInt16LE(offset + 32);
    names.push(buf.toString('utf8', offset + 46, offset + 46 + nameLength));
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}

/** Runs a command with its output appended to `log`; resolves with its exit code. */
export function runLogged(command: string, args: string[], log: string, env: NodeJS.ProcessEnv, cwd = repoRoot): Promise<number> {
  return new Promise((resolve, reject) => {
    fs.appendFileSync(log, `[harness] ${command} ${args.join(' ')}\n`);
    const fd = fs.openSync(log, 'a');
    try {
      const child = spawn(command, args, { cwd, env, stdio: ['ignore', fd, fd] });
      child.on('error', reject);
      child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
    } finally {
      fs.closeSync(fd);
    }
  });
}
