/** `node out/test/conformance/measure.js [case...]`: prints each differing case with a diff. */
import { actualLines, corpusCases, expectedLines } from './corpus';

const only = process.argv.slice(2);
let same = 0;
const diff: string[] = [];
for (const c of corpusCases((process.env.CATS ?? 'plain,malformed-input').split(','))) {
  if (only.length && !only.includes(c.name)) continue;
  const ext = process.env.EXTERNAL === '1';
  const exp = expectedLines(c, ext).sort();
  const act = actualLines(c, ext);
  if (JSON.stringify(exp) === JSON.stringify(act)) {
    same++;
    continue;
  }
  diff.push(c.name);
  const e = new Set(exp);
  const a = new Set(act);
  console.log(`--- ${c.name}`);
  for (const l of exp) if (!a.has(l)) console.log(`  - ${l}`);
  for (const l of act) if (!e.has(l)) console.log(`  + ${l}`);
}
console.log(`${same} identical, ${diff.length} different: ${diff.join(' ')}`);
