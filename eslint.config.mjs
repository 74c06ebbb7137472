// ESLint flat config: typed rules for src/, test/ and bench/; `vscode` may be imported only
// by the UI layer (src/ui, src/extension.ts) and by tests that run inside VS Code.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const noVscode = {
  'no-restricted-imports': [
    'error',
    { paths: [{ name: 'vscode', message: 'Only src/ui and src/extension.ts may import vscode; the core runs under plain Node.' }] },
  ],
};

// Approving or rejecting a standard is a person's act in the editor: the code agents and models
// reach (MCP tools, persona tools, the worker and the job store) may not import the module
// that does it. test/unit/approvalBoundary.test.ts checks the same, and that ProposalStore's
// approve/reject are called nowhere else.
const noApproval = {
  'no-restricted-imports': [
    'error',
    {
      paths: noVscode['no-restricted-imports'][1].paths,
      patterns: [{ group: ['**/standards/approval', '**/standards/approval.js'], message: 'Only the editor UI (src/ui) may approve or reject a standard; agents and personas only propose.' }],
    },
  ],
};

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', 'test-output/**', 'sample-workspace/**', '*.mjs', 'scripts/**', 'media/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/require-await': 'off',
      ...noVscode,
    },
  },
  {
    files: ['src/ui/**/*.ts', 'src/extension.ts', 'test/integration/**/*.ts', 'bench/activation/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['src/mcp/**/*.ts', 'src/personas/**/*.ts', 'src/jobs/**/*.ts', 'src/cli.ts', 'src/services.ts'],
    rules: noApproval,
  },
  // Test-only extensions in plain CommonJS (no build, outside the TypeScript project): untyped rules.
  {
    files: ['test/fixtures/**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', __dirname: 'readonly', fetch: 'readonly', TextDecoder: 'readonly', AbortController: 'readonly' },
    },
    rules: { ...tseslint.configs.disableTypeChecked.rules, '@typescript-eslint/no-require-imports': 'off', 'no-restricted-imports': 'off' },
  },
);
