#!/usr/bin/env node
// What the language server's heap holds after a long session that it did not hold after indexing
// (issue 10 "long sessions"): runs bench/session.mjs with `--heap-snapshots` (the server writes a
// V8 heap snapshot after a full GC at each stage: after indexing, after the edits, after the
// watcher storms) and compares two of them:
//   - by constructor (plain objects by their first property names): count, self size and
//     retained size (dominator tree; an object dominated by another of its class counted once),
//     the largest differences first;
//   - what holds the new instances (by heap object id) of the classes that grew most;
//   - the objects of the later snapshot that the earlier one did not have, by the older objects
//     pointing at them: which old object holds the new memory, through which field, with the
//     dominator path from the GC roots to the largest holder.
//   node bench/heap.mjs [session.mjs options: --size medium --edits 10000 --files 50 --storm 5000 …]
//     [--from after-index] [--to after-storm] [--top 25] [--keep DIR]
//   node bench/heap.mjs --compare A.heapsnapshot B.heapsnapshot [--top 25]
// Garbage is not counted: a snapshot only has what is reachable (V8 collects before writing it).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { arg } from './common.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const TOP = Number(arg('top', '25'));
const mb = (b) => (b / 1048576).toFixed(2);
const kb = (b) => (b / 1024).toFixed(0);

/** A parsed snapshot: flat node and edge arrays, names, per-node classes, dominators and retained sizes. */
export function load(file) {
  const raw = JSON.parse(readFileSync(file, 'utf8'));
  const meta = raw.snapshot.meta;
  const nf = meta.node_fields;
  const ef = meta.edge_fields;
  const NF = nf.length;
  const EF = ef.length;
  const [nTypes] = meta.node_types;
  const [eTypes] = meta.edge_types;
  const iType = nf.indexOf('type');
  const iName = nf.indexOf('name');
  const iId = nf.indexOf('id');
  const iSelf = nf.indexOf('self_size');
  const iEdges = nf.indexOf('edge_count');
  const eType = ef.indexOf('type');
  const eName = ef.indexOf('name_or_index');
  const eTo = ef.indexOf('to_node');
  const nodes = raw.nodes;
  const edges = raw.edges;
  const strings = raw.strings;
  const n = nodes.length / NF;
  const firstEdge = new Uint32Array(n + 1);
  for (let i = 0, e = 0; i < n; i++) {
    firstEdge[i] = e;
    e += nodes[i * NF + iEdges] * EF;
    firstEdge[i + 1] = e;
  }
  const WEAK = eTypes.indexOf('weak');
  const SHORTCUT = eTypes.indexOf('shortcut');
  const PROPERTY = eTypes.indexOf('property');
  const ELEMENT = eTypes.indexOf('element');
  const HIDDEN = eTypes.indexOf('hidden');
  const edgeName = (e) => {
    const t = edges[e + eType];
    const v = edges[e + eName];
    return t === ELEMENT || t === HIDDEN ? `[${v}]` : String(strings[v]);
  };
  const typeName = (i) => nTypes[nodes[i * NF + iType]];
  // a class per node: the constructor for objects, closures and native objects; a plain object by
  // its first property names (what most of the core's data is); the type for the rest
  const classOf = new Array(n);
  const classIds = new Map();
  const classNames = [];
  const classId = (name) => {
    let c = classIds.get(name);
    if (c === undefined) {
      c = classNames.length;
      classIds.set(name, c);
      classNames.push(name);
    }
    return c;
  };
  for (let i = 0; i < n; i++) {
    const t = typeName(i);
    let name;
    if (t === 'object' || t === 'closure' || t === 'native') {
      name = String(strings[nodes[i * NF + iName]]);
      if (t === 'closure') name = `${name}()`;
      if (name === 'Object' && t === 'object') {
        const keys = [];
        for (let e = firstEdge[i]; e < firstEdge[i + 1] && keys.length < 4; e += EF)
          if (edges[e + eType] === PROPERTY) {
            const k = String(strings[edges[e + eName]]);
            if (k !== '__proto__' && k !== 'map') keys.push(k);
          }
        name = `{${keys.join(', ')}}`;
      }
    } else if (t === 'array' || t === 'hidden' || t === 'code' || t === 'synthetic')
      name = `(${t}) ${String(strings[nodes[i * NF + iName]]).slice(0, 40)}`;
    else name = `(${t})`;
    classOf[i] = classId(name);
  }
  // reverse edges (strong ones) for the dominators
  const predCount = new Uint32Array(n + 1);
  const strong = (e) => edges[e + eType] !== WEAK && edges[e + eType] !== SHORTCUT;
  for (let i = 0; i < n; i++)
    for (let e = firstEdge[i]; e < firstEdge[i + 1]; e += EF) if (strong(e)) predCount[edges[e + eTo] / NF]++;
  const predStart = new Uint32Array(n + 1);
  for (let i = 0; i < n; i++) predStart[i + 1] = predStart[i] + predCount[i];
  const preds = new Uint32Array(predStart[n]);
  const predEdges = new Uint32Array(predStart[n]);
  const fill = predStart.slice(0, n);
  for (let i = 0; i < n; i++)
    for (let e = firstEdge[i]; e < firstEdge[i + 1]; e += EF)
      if (strong(e)) {
        const k = fill[edges[e + eTo] / NF]++;
        preds[k] = i;
        predEdges[k] = e;
      }
  // post-order from the root (node 0), iteratively
  const UNSEEN = 0xffffffff;
  const post = new Uint32Array(n).fill(UNSEEN); // node → post-order number
  const order = new Uint32Array(n); // post-order number → node
  const stack = new Uint32Array(n);
  const cursor = new Uint32Array(n);
  const seen = new Uint8Array(n);
  let count = 0;
  let sp = 0;
  stack[sp++] = 0;
  seen[0] = 1;
  cursor[0] = firstEdge[0];
  while (sp > 0) {
    const v = stack[sp - 1];
    let pushed = false;
    while (cursor[v] < firstEdge[v + 1]) {
      const e = cursor[v];
      cursor[v] += EF;
      if (!strong(e)) continue;
      const w = edges[e + eTo] / NF;
      if (seen[w]) continue;
      seen[w] = 1;
      cursor[w] = firstEdge[w];
      stack[sp++] = w;
      pushed = true;
      break;
    }
    if (!pushed) {
      sp--;
      post[v] = count;
      order[count++] = v;
    }
  }
  // dominators (Cooper, Harvey and Kennedy's iterative algorithm over post-order numbers)
  const dom = new Uint32Array(count).fill(UNSEEN); // by post-order number
  const root = count - 1;
  dom[root] = root;
  for (let changed = true; changed;) {
    changed = false;
    for (let b = root - 1; b >= 0; b--) {
      const v = order[b];
      let idom = UNSEEN;
      for (let k = predStart[v]; k < predStart[v + 1]; k++) {
        const p = post[preds[k]];
        if (p === UNSEEN || dom[p] === UNSEEN) continue;
        if (idom === UNSEEN) idom = p;
        else {
          let x = p;
          let y = idom;
          while (x !== y) {
            while (x < y) x = dom[x];
            while (y < x) y = dom[y];
          }
          idom = x;
        }
      }
      if (idom !== UNSEEN && dom[b] !== idom) {
        dom[b] = idom;
        changed = true;
      }
    }
  }
  const self = (i) => nodes[i * NF + iSelf];
  const retained = new Float64Array(count);
  for (let b = 0; b < count; b++) retained[b] += self(order[b]);
  for (let b = 0; b < root; b++) retained[dom[b]] += retained[b];
  const ids = new Set();
  for (let b = 0; b < count; b++) ids.add(nodes[order[b] * NF + iId]);
  return {
    file,
    count,
    order,
    dom,
    retained,
    root,
    post,
    classOf,
    classNames,
    ids,
    idOf: (b) => nodes[order[b] * NF + iId],
    selfOf: (b) => self(order[b]),
    classOfB: (b) => classNames[classOf[order[b]]],
    nodeName: (b) => String(strings[nodes[order[b] * NF + iName]]),
    typeOf: (b) => typeName(order[b]),
    /** The strong edges out of `b` (a post-order number), as [target's post-order number, edge name]. */
    outOf: (b) => {
      const v = order[b];
      const out = [];
      for (let e = firstEdge[v]; e < firstEdge[v + 1]; e += EF)
        if (strong(e) && post[edges[e + eTo] / NF] !== UNSEEN)
          out.push([post[edges[e + eTo] / NF], edgeName(e)]);
      return out;
    },
    /** What holds `b` (a post-order number): each strong edge to it, as [holder's post-order number, edge name]. */
    retainersOf: (b) => {
      const v = order[b];
      const out = [];
      for (let k = predStart[v]; k < predStart[v + 1]; k++)
        if (post[preds[k]] !== UNSEEN) out.push([post[preds[k]], edgeName(predEdges[k])]);
      return out;
    },
    /** The name of the strong edge from `a` to `b` (post-order numbers), if there is one. */
    edgeBetween: (a, b) => {
      const v = order[a];
      const w = order[b];
      for (let e = firstEdge[v]; e < firstEdge[v + 1]; e += EF)
        if (edges[e + eTo] / NF === w && strong(e)) return edgeName(e);
      return undefined;
    },
  };
}

/** Per class: count, self size and retained size (not counting an object under another of its class). */
export function byClass(s) {
  const out = new Map();
  // the dominator tree from the root down: how many ancestors of each class are on the path
  const children = new Map();
  for (let b = 0; b < s.root; b++) {
    const d = s.dom[b];
    if (d === 0xffffffff) continue;
    let l = children.get(d);
    if (!l) children.set(d, (l = []));
    l.push(b);
  }
  const onPath = new Map();
  const visit = [[s.root, false]];
  while (visit.length) {
    const [b, leaving] = visit.pop();
    const c = s.classOf[s.order[b]];
    if (leaving) {
      onPath.set(c, onPath.get(c) - 1);
      continue;
    }
    let e = out.get(c);
    if (!e) out.set(c, (e = { count: 0, self: 0, retained: 0 }));
    e.count++;
    e.self += s.selfOf(b);
    if (!onPath.get(c)) e.retained += s.retained[b];
    onPath.set(c, (onPath.get(c) ?? 0) + 1);
    visit.push([b, true]);
    for (const k of children.get(b) ?? []) visit.push([k, false]);
  }
  const named = new Map();
  for (const [c, e] of out) named.set(s.classNames[c], e);
  return named;
}

/** The dominator path from the GC roots to `b`, named by class and edge. */
export function pathTo(s, b, depth = 12) {
  const chain = [];
  for (let x = b; x !== s.root && chain.length < 40; x = s.dom[x]) chain.push(x);
  chain.reverse();
  const parts = [];
  let prev = s.root;
  for (const x of chain) {
    const edge = s.edgeBetween(prev, x);
    parts.push(`${edge === undefined ? '…' : `.${edge}`} → ${s.classOfB(x)}`);
    prev = x;
  }
  return parts.length > depth ? ['…', ...parts.slice(-depth)].join(' ') : parts.join(' ');
}

function compare(fromFile, toFile) {
  const a = load(fromFile);
  const b = load(toFile);
  const total = (s) => s.retained[s.root];
  console.log(
    `heap snapshots: ${fromFile} ${mb(total(a))} MB (${a.count} objects) → ${toFile} ${mb(total(b))} MB (${b.count} objects), × ${(total(b) / total(a)).toFixed(2)}`,
  );
  const ca = byClass(a);
  const cb = byClass(b);
  const rows = [];
  for (const name of new Set([...ca.keys(), ...cb.keys()])) {
    const x = ca.get(name) ?? { count: 0, self: 0, retained: 0 };
    const y = cb.get(name) ?? { count: 0, self: 0, retained: 0 };
    rows.push({
      name,
      x,
      y,
      dRet: y.retained - x.retained,
      dSelf: y.self - x.self,
      dCount: y.count - x.count,
    });
  }
  const table = (title, key) => {
    console.log(`\n${title}`);
    console.log('| class | count | Δ count | self KB | Δ self KB | retained KB | Δ retained KB |');
    console.log('|---|---|---|---|---|---|---|');
    for (const r of [...rows].sort((p, q) => Math.abs(q[key]) - Math.abs(p[key])).slice(0, TOP))
      console.log(
        `| ${r.name.replace(/\|/g, '\\|')} | ${r.y.count} | ${r.dCount} | ${kb(r.y.self)} | ${kb(r.dSelf)} | ${kb(r.y.retained)} | ${kb(r.dRet)} |`,
      );
  };
  table('by retained size (largest differences first)', 'dRet');
  table('by self size (largest differences first)', 'dSelf');
  // what holds the new instances of the classes that grew most (plain data and named classes):
  // their retainers by class and field, as the retainers view of a heap profiler shows them
  const isNewB = (x) => !a.ids.has(b.idOf(x));
  const grown = rows
    .filter((r) => !r.name.startsWith('(') && r.dCount > 0)
    .sort((p, q) => q.dRet - p.dRet)
    .slice(0, 8)
    .map((r) => r.name);
  console.log(
    '\nwhat holds the new instances of the classes that grew most (retainer class .field: instances)',
  );
  for (const name of grown) {
    const by = new Map();
    let instances = 0;
    for (let x = 0; x < b.count; x++) {
      if (b.classOfB(x) !== name || !isNewB(x)) continue;
      instances++;
      for (const [h, edge] of b.retainersOf(x)) {
        const key = `${b.classOfB(h)} .${edge.startsWith('[') ? '[i]' : edge}${isNewB(h) ? '' : ' (older)'}`;
        by.set(key, (by.get(key) ?? 0) + 1);
      }
    }
    const top = [...by]
      .sort((p, q) => q[1] - p[1])
      .slice(0, 5)
      .map(([k, v]) => `${k}: ${v}`)
      .join('; ');
    console.log(`- ${name}: ${instances} new, held by ${top}`);
  }
  // the new objects, by the older objects that point at them (the boundary between the two
  // snapshots): each new object is counted once, for the first boundary edge (largest group first)
  // that reaches it through new objects only
  const groups = new Map();
  for (let h = 0; h < b.count; h++) {
    if (isNewB(h)) continue;
    for (const [x, edge] of b.outOf(h)) {
      if (!isNewB(x)) continue;
      const key = `${b.classOfB(h)} .${edge.startsWith('[') ? '[i]' : edge}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { targets: [], holders: new Map() }));
      g.targets.push(x);
      g.holders.set(h, (g.holders.get(h) ?? 0) + b.retained[x]);
    }
  }
  const claimed = new Uint8Array(b.count);
  const rough = (g) => g.targets.reduce((t, x) => t + b.retained[x], 0);
  const ordered = [...groups].sort((p, q) => rough(q[1]) - rough(p[1]));
  const results = [];
  let newBytes = 0;
  for (const [key, g] of ordered) {
    let bytes = 0;
    let count = 0;
    const queue = g.targets.filter((x) => !claimed[x]);
    for (const x of queue) claimed[x] = 1;
    while (queue.length) {
      const x = queue.pop();
      bytes += b.selfOf(x);
      count++;
      for (const [y] of b.outOf(x))
        if (!claimed[y] && isNewB(y)) {
          claimed[y] = 1;
          queue.push(y);
        }
    }
    newBytes += bytes;
    if (count) results.push({ key, bytes, count, g });
  }
  console.log(
    `\nobjects of the later snapshot the earlier one did not have: ${mb(newBytes)} MB, by the older objects pointing at them`,
  );
  for (const r of results.sort((p, q) => q.bytes - p.bytes).slice(0, Math.min(TOP, 15))) {
    const [h] = [...r.g.holders].sort((p, q) => q[1] - p[1])[0];
    console.log(
      `- ${kb(r.bytes)} KB in ${r.count} objects reached through ${r.key} (${r.g.holders.size} holder${r.g.holders.size === 1 ? '' : 's'})\n    the largest holder: ${pathTo(b, h)}`,
    );
  }
}

const main = process.argv[1] === fileURLToPath(import.meta.url);
if (!main) {
  // imported (load, byClass, pathTo for a question of one's own)
} else if (process.argv.includes('--compare')) {
  const i = process.argv.indexOf('--compare');
  compare(process.argv[i + 1], process.argv[i + 2]);
} else {
  const keep = arg('keep', undefined);
  const dir = keep ?? mkdtempSync(join(tmpdir(), 'netpol-lens-heap-'));
  const own = new Set(['--from', '--to', '--top', '--keep']);
  const passed = [];
  for (let k = 2; k < process.argv.length; k++) {
    if (own.has(process.argv[k])) k++;
    else passed.push(process.argv[k]);
  }
  const run = spawnSync(process.execPath, [join(here, 'session.mjs'), ...passed, '--heap-snapshots', dir], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (run.status !== 0) process.exit(run.status ?? 1);
  const from = join(dir, `${arg('from', 'after-index')}.heapsnapshot`);
  const to = join(dir, `${arg('to', 'after-storm')}.heapsnapshot`);
  console.log(
    `\nload ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}; snapshots ${mb(statSync(from).size)} MB and ${mb(statSync(to).size)} MB of JSON`,
  );
  compare(from, to);
  if (!keep) rmSync(dir, { recursive: true, force: true });
}
