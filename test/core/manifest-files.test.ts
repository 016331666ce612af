/** The manifest-file rules both adapters walk by (core/manifest-files.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  inSkippedFolder,
  isManifestPath,
  isSkippedFolder,
  MANIFEST_EXTENSIONS,
  MANIFEST_GLOB,
  READ_LIMIT_BYTES,
  READ_LIMIT_MIB,
} from '../../server/src/core/index';

test('manifest files: YAML and JSON extensions in any case, by name, path or URI', () => {
  for (const p of ['a.yaml', 'a.yml', 'a.json', 'A.YAML', 'deploy/x.Yml', 'file:///w/k8s/np.json'])
    assert.ok(isManifestPath(p), p);
  for (const p of ['a.yaml.bak', 'a.txt', 'yaml', 'a.jsonc', 'a.tpl', 'file:///w/yaml/README.md', 'a.yaml/'])
    assert.ok(!isManifestPath(p), p);
  assert.deepEqual([...MANIFEST_EXTENSIONS], ['yaml', 'yml', 'json']);
  assert.equal(MANIFEST_GLOB, '**/*.{yaml,yml,json}');
});

test('manifest files: node_modules and .git are skipped at any depth, by segment', () => {
  assert.ok(isSkippedFolder('node_modules') && isSkippedFolder('.git'));
  assert.ok(!isSkippedFolder('.github') && !isSkippedFolder('node_modules2') && !isSkippedFolder('git'));
  assert.ok(inSkippedFolder('node_modules/x/a.yaml'));
  assert.ok(inSkippedFolder('apps/web/.git/config.yaml'));
  assert.ok(!inSkippedFolder('apps/node_modules.yaml'));
  assert.ok(!inSkippedFolder('.github/workflows/ci.yaml'));
  assert.ok(!inSkippedFolder(''));
});

test('manifest files: one read limit (64 MiB)', () => {
  assert.equal(READ_LIMIT_BYTES, 64 * 1024 * 1024);
  assert.equal(READ_LIMIT_MIB, 64);
});
