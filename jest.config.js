/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', {}],
    // jose ships ES modules only, which jest's CommonJS runtime cannot load on Node 20: compiled
    // for the tests alone (Node itself loads them as they are).
    '/node_modules/jose/.+\\.js$': ['ts-jest', { tsconfig: { allowJs: true, module: 'commonjs', target: 'es2022', isolatedModules: true } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  testTimeout: 60_000,
  // Once in six full runs, after every test had passed and every handle had been closed, node
  // spun at 100 % CPU in its own clean-up at exit (gdb: FreeEnvironment -> CleanupHandles ->
  // uv_run) and never ended, which would hang CI. process.exit, which jest calls with this, skips
  // that clean-up. A leaked handle no longer keeps jest from ending, so tests close what they
  // open, and check it where it matters (the bcrypt threads of a start-up that fails).
  forceExit: true,
};
