/** Tidy test: every diagnostic code has its `## <code>` section in docs/checks.md (the codeDescription target). */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_CHECKS, PARSE_CODES } from '../../server/src/core/index';

const DOC = join(__dirname, '..', '..', '..', 'docs', 'checks.md');

it('docs/checks.md has a section per diagnostic code', () => {
  const headings = new Set([...readFileSync(DOC, 'utf8').matchAll(/^## ([a-z0-9-]+)\s*$/gm)].map((m) => m[1]));
  const codes = [...ALL_CHECKS.map((c) => c.code), ...PARSE_CODES.map((c) => c.code), 'invalid-field'];
  assert.deepEqual(codes.filter((c) => !headings.has(c)), [], 'codes without a "## <code>" section in docs/checks.md');
});
