/**
 * Jest: TypeScript through SWC; @middy ships ESM only, so it is transformed too. Two tiers: `unit` (pure
 * rules, use-cases with mocked clients, the CDK stack) needs nothing running; `emulated` (integration, HTTP
 * contract, browser) starts the emulators once for the run. `npm run test:unit` runs the first alone.
 */
const shared = {
  testEnvironment: 'node',
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.(t|j|mj)sx?$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(@middy)/)'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
};

module.exports = {
  testTimeout: 60000,
  projects: [
    { ...shared, displayName: 'unit', roots: ['<rootDir>/test/unit', '<rootDir>/test/cdk'] },
    {
      ...shared,
      displayName: 'emulated',
      roots: ['<rootDir>/test/integration', '<rootDir>/test/http', '<rootDir>/test/browser'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
};
