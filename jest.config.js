// ESM end to end: the toolkit packages are ESM-only, so tests load the sources as ESM too.
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }] },
  testMatch: ['**/__tests__/**/*.test.ts'],
  // Stryker's sandboxes are copies of the project: never tests of this one.
  modulePathIgnorePatterns: ['<rootDir>/.stryker-tmp/', '<rootDir>/reports/'],
  testTimeout: 30000,
  // Measured by .ci/run (--coverage) over the action's code: not the test servers, not the entry point.
  collectCoverageFrom: ['src/**/*.ts', '!src/simulator/**', '!src/index.ts'],
  coverageProvider: 'v8',
  coverageReporters: ['text-summary', 'json-summary'],
  // The floor: what was measured, rounded down. It only rises.
  coverageThreshold: { global: { lines: 97, branches: 95 } },
  // Jest's transform cache beside the packages, not in the OS temp folder: a test run leaves nothing there.
  cacheDirectory: '<rootDir>/node_modules/.cache/jest',
  clearMocks: true
}
