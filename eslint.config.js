// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'replay-out/**', 'recordings/**', 'bench/results/**', 'src/report/html/client.bundle.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    // No import cycles (type-only imports aside): stages depend one way, record → store → replay →
    // compare → report, with the façades (src/run, src/cli) on top.
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      ...importX.flatConfigs.typescript.settings,
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    rules: { 'import-x/no-cycle': 'error' },
  },
  {
    // The engine yields results; what renders them is wired by the façade (src/run/replay.ts).
    files: ['src/replay/**/*.ts', 'src/record/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/report/**', '**/run/**', '**/cli/**'], message: 'record and replay stages never import the report stage or the façades above them' }] }],
    },
  },
  {
    // The HTML report's browser client: DOM globals, and no way to parse HTML from data.
    files: ['src/report/html/client/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-properties': [
        'error',
        ...['innerHTML', 'outerHTML', 'insertAdjacentHTML', 'createContextualFragment', 'parseFromString'].map((property) => ({ property, message: 'build DOM with h() from dom.ts: recorded data must never be parsed as HTML' })),
        ...['write', 'writeln'].map((property) => ({ object: 'document', property, message: 'build DOM with h() from dom.ts' })),
      ],
      'no-restricted-globals': ['error', 'eval', 'Function', 'fetch', 'XMLHttpRequest', 'WebSocket', 'EventSource'],
    },
  },
);
