// The layers of src/ (docs/architecture.md): arrows point down only. Each folder may import the
// layers listed for it and no other folder of ours; only the UI layer may import `vscode`; and
// only the editor UI may import the module that approves a standard. eslint.config.mjs applies
// these rules; test/unit/layers.test.ts proves they refuse a planted import.

/** Every top-level part of src/ that the rules speak of (folders, and the composition roots). */
const PARTS = ['core', 'jobs', 'personas', 'workflows', 'standards', 'findings', 'metrics', 'telemetry', 'guides', 'mcp', 'services', 'cli', 'ui', 'extension'];

/** What each part may import besides itself; the UI and extension.ts may import anything. */
export const LAYERS = {
  core: [],
  jobs: ['core'],
  personas: ['core', 'jobs'],
  workflows: ['core', 'jobs', 'personas'],
  standards: ['core', 'jobs', 'personas'],
  findings: ['core', 'jobs', 'personas', 'standards'],
  telemetry: ['core', 'jobs', 'personas'],
  metrics: ['core', 'jobs', 'personas', 'workflows', 'standards', 'findings', 'telemetry'],
  // The guides: the generated tables (every domain's error codes) and installing the persona guide.
  guides: ['core', 'jobs', 'personas', 'workflows', 'standards', 'findings'],
  mcp: ['core', 'jobs', 'personas', 'workflows', 'standards', 'findings', 'metrics', 'telemetry', 'services'],
  services: ['core', 'jobs', 'personas', 'workflows', 'standards', 'findings', 'metrics', 'telemetry'],
  cli: ['core', 'jobs', 'personas', 'workflows', 'standards', 'findings', 'metrics', 'telemetry', 'guides', 'mcp', 'services'],
};

const VSCODE = { name: 'vscode', message: 'Only src/ui and src/extension.ts may import vscode; the core runs under plain Node.' };

// Approving or rejecting a standard is a person's act in the editor: the code agents and models
// reach (MCP tools, persona tools, the worker and the job store) may not import the module that
// does it. test/unit/approvalBoundary.test.ts checks the same.
const APPROVAL = {
  group: ['**/standards/approval', '**/standards/approval.js'],
  message: 'Only the editor UI (src/ui) may approve or reject a standard; agents and personas only propose.',
};
const NO_APPROVAL = new Set(['core', 'jobs', 'personas', 'workflows', 'guides', 'mcp', 'services', 'cli']);

/** The files of a part: a folder's, or a composition root's single file (the CLI's with its folder). */
function filesOf(part) {
  if (part === 'cli') return ['src/cli.ts', 'src/cli/**/*.ts']; // the entry and the modules only it uses
  return part === 'services' ? [`src/${part}.ts`] : [`src/${part}/**/*.ts`];
}

function ruleFor(part) {
  const banned = PARTS.filter((p) => p !== part && !LAYERS[part].includes(p));
  const patterns = [
    {
      // A relative import whose first folder after the ./ and ../ steps is a banned part.
      regex: `^(\\.\\.?/)+(${banned.join('|')})(/|$)`,
      message: `src/${part} may import only ${LAYERS[part].length > 0 ? LAYERS[part].map((p) => `src/${p}`).join(', ') : 'nothing of ours outside itself'} (the layers of docs/architecture.md: arrows point down only).`,
    },
  ];
  if (NO_APPROVAL.has(part)) patterns.push(APPROVAL);
  return ['error', { paths: [VSCODE], patterns }];
}

/** One flat-config block per part. */
export const layerConfigs = Object.keys(LAYERS).map((part) => ({
  files: filesOf(part),
  rules: { 'no-restricted-imports': ruleFor(part) },
}));
