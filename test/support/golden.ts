/** Golden files under test/golden; `UPDATE_GOLDEN=1` rewrites them. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';

export const ROOT = join(__dirname, '..', '..', '..');

export function assertGolden(name: string, actual: string): void {
  const file = join(ROOT, 'test', 'golden', name);
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(file)) {
    if (process.env.CI && !existsSync(file))
      assert.fail(`golden file ${name} is missing; run with UPDATE_GOLDEN=1 and commit it`);
    writeFileSync(file, actual);
    return;
  }
  assert.equal(
    actual,
    readFileSync(file, 'utf8'),
    `output differs from test/golden/${name} (UPDATE_GOLDEN=1 rewrites it)`,
  );
}
