const js = require('@eslint/js');
const globals = require('globals');
const lwcConfig = require('@salesforce/eslint-config-lwc');
const jestPlugin = require('eslint-plugin-jest');

// tsc --strict already checks undefined names and unused bindings in TypeScript; the babel parser
// reports false positives on `import type` and on parameter names inside type signatures.
const leaveToTsc = { 'no-undef': 'off', 'no-unused-vars': 'off' };

module.exports = [
    {
        ignores: [
            'node_modules/**',
            'coverage/**',
            'test-output/**',
            // Scratch output (git-ignored, like .gitignore's .tmp/).
            '.tmp/**',
            '.sf/**',
            '.sfdx/**',
            // Build output of the TypeScript LWCs (the .ts is linted).
            'force-app/main/default/lwc/**/*.js',
            '!force-app/main/default/lwc/**/__tests__/**/*.js'
        ]
    },
    // Lightning Web Components, authored in TypeScript.
    ...lwcConfig.configs.recommendedTs.map((config) => ({
        ...config,
        files: ['force-app/**/lwc/**/*.ts']
    })),
    { files: ['force-app/**/lwc/**/*.ts'], rules: leaveToTsc },
    // LWC jest tests and the shared platform mocks.
    ...lwcConfig.configs.recommended.map((config) => ({
        ...config,
        files: ['force-app/**/lwc/**/__tests__/**/*.js', 'force-app/test/**/*.js']
    })),
    {
        files: ['force-app/**/lwc/**/__tests__/**/*.js', 'force-app/test/**/*.js'],
        plugins: { jest: jestPlugin },
        languageOptions: { globals: { ...globals.node, ...globals.jest } },
        rules: {
            ...jestPlugin.configs['flat/recommended'].rules,
            '@lwc/lwc/no-unexpected-wire-adapter-usages': 'off'
        }
    },
    // Node-side code: provisioning, tooling, tests, emulator, preview, benchmarks.
    {
        files: [
            'scripts/**/*.ts',
            'tools/**/*.ts',
            'test/**/*.ts',
            'testkit/**/*.ts',
            'preview/**/*.ts',
            'bench/**/*.ts'
        ],
        ...js.configs.recommended,
        languageOptions: {
            ...lwcConfig.configs.recommendedTs.at(-1).languageOptions,
            globals: { ...globals.node }
        },
        rules: { ...js.configs.recommended.rules, ...leaveToTsc }
    },
    // Commands: functions a reader can hold.
    {
        files: ['scripts/**/*.ts'],
        rules: { 'max-lines-per-function': ['error', { max: 80 }] }
    },
    {
        files: ['**/*.{js,mjs,cjs}'],
        ignores: ['force-app/**'],
        ...js.configs.recommended,
        languageOptions: {
            ecmaVersion: 2023,
            sourceType: 'module',
            globals: { ...globals.node, ...globals.browser }
        }
    },
    {
        files: ['**/*.cjs', 'eslint.config.js', 'jest.config.js'],
        languageOptions: { sourceType: 'commonjs' }
    }
];
