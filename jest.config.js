const { jestConfig } = require('@salesforce/sfdx-lwc-jest/config');

module.exports = {
    ...jestConfig,
    // Only the LWC tests run under jest; test/ holds Node tests run by tools/run-node-tests.mjs.
    testMatch: ['<rootDir>/force-app/**/__tests__/**/*.test.js'],
    // Platform modules that need an org, shared by every component test (lwc-recipes layout).
    moduleNameMapper: {
        '^lightning/uiRecordApi$': '<rootDir>/force-app/test/jest-mocks/lightning/uiRecordApi',
        '^@salesforce/apex$': '<rootDir>/force-app/test/jest-mocks/apex/apex',
        '^@salesforce/apex/OpenCxSessionController.getConversation$':
            '<rootDir>/force-app/test/jest-mocks/apex/getConversation',
        // The OpenCX sample answers shared by the component tests, the benchmark and the preview.
        '^opencx-samples$': '<rootDir>/force-app/test/opencx-samples.js'
    },
    // `@salesforce/label/c.<name>`: jest-setup.js registers one module per Custom Label with the
    // value from force-app/main/default/labels/CustomLabels.labels-meta.xml (a moduleNameMapper
    // entry cannot carry the label's name into a single mock file, so the setup file reads them).
    setupFilesAfterEnv: [
        ...(jestConfig.setupFilesAfterEnv ?? []),
        '<rootDir>/force-app/test/jest-setup.js'
    ],
    collectCoverageFrom: ['force-app/**/lwc/**/*.ts', '!**/__tests__/**'],
    modulePathIgnorePatterns: ['<rootDir>/.localdevserver', '<rootDir>/test-output']
};
