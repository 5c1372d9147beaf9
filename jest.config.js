const { jestConfig } = require('@salesforce/sfdx-lwc-jest/config');

module.exports = {
    ...jestConfig,
    // Only the LWC tests run under jest; test/ holds Node tests run by tools/run-node-tests.mjs.
    testMatch: ['<rootDir>/force-app/**/__tests__/**/*.test.js'],
    // Platform modules that need an org, shared by every component test (lwc-recipes layout).
    moduleNameMapper: {
        '^lightning/uiRecordApi$': '<rootDir>/force-app/test/jest-mocks/lightning/uiRecordApi',
        '^lightning/platformShowToastEvent$':
            '<rootDir>/force-app/test/jest-mocks/lightning/platformShowToastEvent',
        '^lightning/navigation$': '<rootDir>/force-app/test/jest-mocks/lightning/navigation'
    },
    setupFilesAfterEnv: [
        ...(jestConfig.setupFilesAfterEnv ?? []),
        '<rootDir>/force-app/test/jest-setup.js'
    ],
    collectCoverageFrom: ['force-app/**/lwc/**/*.ts', '!**/__tests__/**'],
    modulePathIgnorePatterns: ['<rootDir>/.localdevserver', '<rootDir>/test-output']
};
