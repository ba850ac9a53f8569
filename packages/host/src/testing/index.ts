// Test support for services' integration tests; not exported from the package's main entry.
export { hostFixture, type HostFixture } from './host-fixture';
