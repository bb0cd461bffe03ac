/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', {}],
    // jose and otplib's @scure/@noble dependencies ship ES modules only, which jest's CommonJS
    // runtime cannot load on Node 20: compiled for the tests alone (Node itself loads them as they are).
    '/node_modules/(jose|@scure|@noble)/.+\\.js$': ['ts-jest', { tsconfig: { allowJs: true, module: 'commonjs', target: 'es2022', isolatedModules: true } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(jose|@scure|@noble)/)'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  testTimeout: 60_000,
  // Node can hang in its own clean-up at exit after every test has passed and every handle has
  // been closed, which would hang CI; process.exit skips that clean-up. So a leaked handle does not
  // keep jest from ending: tests close what they open, and check it where it matters.
  forceExit: true,
};
