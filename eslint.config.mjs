// Type-aware linting of the whole repository in one run (`npm run lint`). One TypeScript
// program for everything but the console (the root tsconfig.json), which has its own browser
// settings: one program instead of one per workspace, each re-reading the packages it imports.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/generated/**',
      '**/*.js',
      '**/*.mjs',
      '**/*.cjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        project: [
          './tsconfig.json',
          './apps/console/tsconfig.json',
          './apps/console/e2e/tsconfig.json',
        ],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/require-await': 'off',
      'no-console': 'error',
    },
  },
  {
    // Deciders take time and ids from the command: no clock, no randomness.
    files: ['**/*.decider.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'A decider gets the time from its command.',
        },
        {
          selector: "MemberExpression[object.name='Date'][property.name='now']",
          message: 'A decider gets the time from its command.',
        },
        {
          selector: "MemberExpression[object.name='Math'][property.name='random']",
          message: 'A decider is deterministic.',
        },
        {
          selector:
            'CallExpression[callee.name=/^(randomUUID|uuidv4|uuidv7|setTimeout|setInterval|fetch)$/]',
          message: 'A decider does no I/O and makes no ids.',
        },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', '**/conformance/**', '**/tests/**'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
