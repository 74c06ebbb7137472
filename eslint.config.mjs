// ESLint flat config: typed rules for src/, test/ and bench/. The layers of src/ (what each
// folder may import, `vscode` only in the UI) come from eslint.layers.mjs; tests and benchmarks
// may import `vscode` only when they run inside VS Code.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

import { layerConfigs } from './eslint.layers.mjs';

// Tests and benchmarks may not import vscode unless they run inside VS Code.
const noVscode = {
  'no-restricted-imports': [
    'error',
    { paths: [{ name: 'vscode', message: 'Only src/ui and src/extension.ts may import vscode; the core runs under plain Node.' }] },
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
  ...layerConfigs,
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
