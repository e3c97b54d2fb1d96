// ESLint flat config: typescript-eslint's recommended rules, no console in service code.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'cockpit/dist/', '.data/', '.scratch/', 'bench/results/'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-console': 'error',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    // The browser reports genuine errors to its console; tests and scripts may print.
    files: ['cockpit/**', 'test/**', 'bench/**', 'data/*.ts', '*.config.*'],
    rules: { 'no-console': 'off' },
  },
);
