/** The manifest-file rules both adapters walk by (core/manifest-files.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  inSkippedFolder,
  isManifestPath,
  isSkippedFolder,
  MANIFEST_EXTENSIONS,
  MANIFEST_GLOB,
  DEFAULT_MAX_FILE_SIZE_MIB,
  invalidUtf8Offset,
  maxFileBytes,
  parseMaxFileSize,
  settingsFromConfig,
} from '../../server/src/core/index';

test('manifest files: YAML and JSON extensions in any case, and an extensionless Kustomization, by name, path or URI', () => {
  for (const p of ['a.yaml', 'a.yml', 'a.json', 'A.YAML', 'deploy/x.Yml', 'file:///w/k8s/np.json'])
    assert.ok(isManifestPath(p), p);
  // kustomize reads kustomization.yaml, kustomization.yml and Kustomization (exactly so spelt)
  for (const p of [
    'Kustomization',
    'overlays/prod/Kustomization',
    'C:\\w\\prod\\Kustomization',
    'file:///w/Kustomization',
  ])
    assert.ok(isManifestPath(p), p);
  for (const p of ['a.yaml.bak', 'a.txt', 'yaml', 'a.jsonc', 'a.tpl', 'file:///w/yaml/README.md', 'a.yaml/'])
    assert.ok(!isManifestPath(p), p);
  for (const p of [
    'kustomization',
    'MyKustomization',
    'Kustomization.bak',
    'file:///w/Kustomization/',
    'Kustomization/x',
  ])
    assert.ok(!isManifestPath(p), p);
  assert.deepEqual([...MANIFEST_EXTENSIONS], ['yaml', 'yml', 'json']);
  assert.equal(MANIFEST_GLOB, '**/{*.yaml,*.yml,*.json,Kustomization}');
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

test('manifest files: one size limit, netpolLens.maxFileSize (8 MiB unless set)', () => {
  assert.equal(DEFAULT_MAX_FILE_SIZE_MIB, 8);
  assert.equal(maxFileBytes(8), 8 * 1024 * 1024);
  assert.equal(settingsFromConfig({}).maxFileSize, 8);
  assert.equal(settingsFromConfig({ maxFileSize: 64 }).maxFileSize, 64);
  const warnings: string[] = [];
  assert.equal(settingsFromConfig({ maxFileSize: -1 }, (m) => warnings.push(m)).maxFileSize, 8);
  assert.equal(settingsFromConfig({ maxFileSize: 'big' }, (m) => warnings.push(m)).maxFileSize, 8);
  assert.equal(warnings.length, 2);
  assert.equal(parseMaxFileSize('64'), 64);
  assert.equal(parseMaxFileSize('0.5'), 0.5);
  for (const bad of ['0', '-3', 'x', '', '1e9x']) assert.equal(parseMaxFileSize(bad), undefined, bad);
});

test('manifest files: the first byte that is not UTF-8, as an offset in the decoded text', () => {
  const at = (bytes: Buffer): number => invalidUtf8Offset(bytes);
  assert.equal(at(Buffer.from('\ufeffcafé 😀 ok')), -1);
  assert.equal(at(Buffer.from([0x61, 0x62, 0xe9, 0x63])), 2); // Latin-1 é
  assert.equal(at(Buffer.concat([Buffer.from('😀é'), Buffer.from([0xed, 0xa0, 0x80])])), 3); // a surrogate
  assert.equal(at(Buffer.from([0xc0, 0x80])), 0); // overlong
  assert.equal(at(Buffer.from([0x61, 0xe2, 0x82])), 1); // truncated
  const text = Buffer.from([0x61, 0x62, 0xe9, 0x63]).toString('utf8');
  assert.equal(text[2], '\ufffd');
});
