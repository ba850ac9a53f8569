// The container lane (`npm run test:containers`): every *.container.spec.ts in the repository —
// the KurrentDB and Kafka adapters' conformance suites, the migration to KurrentDB and the
// distributed end-to-end scenario — one suite at a time, as containers are heavy.
const path = require('node:path');
const preset = require('../../jest.preset.js');

/** @type {import('jest').Config} */
module.exports = {
  ...preset,
  rootDir: path.join(__dirname, '..', '..'),
  testMatch: ['<rootDir>/**/*.container.spec.ts'],
  testPathIgnorePatterns: [...preset.testPathIgnorePatterns, '/\\.scratch/'],
  maxWorkers: 1,
  testTimeout: 300_000,
};
