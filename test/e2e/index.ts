// The standard extension-test entry (`run()`, as @vscode/test-electron and @vscode/test-cli load
// it): runs <suite>/*.test.js with mocha inside the extension host and prints a plain
// `N passed, N failed` line. The suite folder is $E2E_SUITE (set per run by run-tests.js), the
// compiled test/e2e/suite by default.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({
    ui: 'bdd',
    color: false,
    timeout: Number(process.env.E2E_TEST_TIMEOUT_MS || 60000),
    reporter: 'spec',
  });
  if (process.env.E2E_GREP) mocha.grep(process.env.E2E_GREP);
  const dir = process.env.E2E_SUITE ? path.resolve(process.env.E2E_SUITE) : path.join(__dirname, 'suite');
  for (const f of fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.test.js'))
    .sort())
    mocha.addFile(path.join(dir, f));
  return new Promise((resolve, reject) => {
    try {
      const runner = mocha.run((failures) => {
        const { passes = 0, pending = 0 } = runner.stats ?? {};
        if (pending) console.log(`${pending} skipped`);
        console.log(`${passes} passed, ${failures} failed`);
        if (failures > 0) reject(new Error(`${failures} tests failed.`));
        else resolve();
      });
    } catch (e) {
      console.error(e);
      console.log('0 passed, 1 failed');
      reject(e instanceof Error ? e : new Error(String(e)));
    }
  });
}
