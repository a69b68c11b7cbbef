import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

/** Modules that must never reach the renderer or the process-neutral contract. */
const nodeOnly = [
  'node:*',
  'electron',
  'electron/*',
  'dockerode',
  'docker-modem',
  '@kubernetes/client-node',
  'ws',
  'fs',
  'path',
  'os',
  'child_process',
  'net',
  'http',
  'https',
  'crypto',
  'stream',
  'util',
];
const restrictNodeImports = {
  'no-restricted-imports': [
    'error',
    {
      patterns: [
        {
          group: nodeOnly,
          message:
            'The renderer and src-main/contract are process-neutral: no node, electron, dockerode, ws or client-node imports (STYLE.md rule 1).',
        },
        {
          group: ['**/core/**', '**/app/**', '**/electron/**', '**/serve/**', '**/cli/**'],
          message: 'Only src-main/contract may be imported from here.',
        },
      ],
    },
  ],
};

export default tseslint.config(
  {
    ignores: [
      'out/**',
      'dist/**',
      'node_modules/**',
      'e2e/artifacts/**',
      'test-results/**',
      'playwright-report/**',
      'bench-results/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name='exec'][callee.object.name='child_process']",
          message: 'Use spawn(bin, args[]) through the CLI runner.',
        },
        { selector: "Property[key.name='shell'][value.value=true]", message: 'Never spawn through a shell.' },
      ],
    },
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: restrictNodeImports,
  },
  { files: ['src-main/contract/**/*.ts'], rules: restrictNodeImports },
  {
    files: ['src-main/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['electron', 'electron/*'], message: 'core/ is framework-free: it never imports electron.' },
            {
              group: ['**/app/**', '**/electron/**', '**/serve/**', '**/cli/**'],
              message: 'core/ does not depend on transports.',
            },
          ],
        },
      ],
    },
  },
  // Last: turns off the stylistic rules that Prettier owns (npm run lint checks the formatting itself).
  prettier,
);
