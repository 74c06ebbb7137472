// Imported (through test/harness/codeServer.ts) by every test file of the UI and packaging
// suites, which scripts/test.mjs runs without a setup file: registers the leaked-FileHandle
// guard's root hooks once, from the first test file mocha loads (a hook registered while a
// file loads, outside any describe, belongs to the root suite). Outside mocha (the test runner,
// the bench) it does nothing.
import { leakHooks, watchLeakWarnings } from './warningGuard';

if (typeof afterEach === 'function' && typeof after === 'function') {
  watchLeakWarnings();
  afterEach(function (this: Mocha.Context) {
    return leakHooks.afterEach.call(this);
  });
  after(() => leakHooks.afterAll());
}
