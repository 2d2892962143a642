import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandPath, parseManifests } from './manifests.js';

describe('manifests', () => {
  it('reads multi-document YAML and expands Lists', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n---\napiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Secret, metadata: {name: b}}\n- {apiVersion: v1, kind: Service, metadata: {name: c}}\n';
    expect(parseManifests(text, 'f.yaml').map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['ConfigMap/a', 'Secret/b', 'Service/c']);
  });
  it('names the file and the line of a YAML error', () => {
    expect(() => parseManifests('apiVersion: v1\nkind: Pod\nmetadata:\n  name: [x\n', 'bad.yaml')).toThrow(/^error parsing bad\.yaml: error converting YAML to JSON: yaml: line \d+: /);
  });
  it('refuses objects without apiVersion or kind', () => {
    expect(() => parseManifests('metadata: {name: a}\n', 'x.yaml')).toThrow('error validating "x.yaml": error validating data: [apiVersion not set, kind not set]');
  });
  it('walks directories, descending only with -R', () => {
    const dir = mkdtempSync(join(tmpdir(), 'manifests-'));
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'b.yaml'), '');
    writeFileSync(join(dir, 'a.json'), '');
    writeFileSync(join(dir, 'notes.txt'), '');
    writeFileSync(join(dir, 'sub', 'c.yml'), '');
    expect(expandPath(dir, false).map((p) => p.slice(dir.length + 1))).toEqual(['a.json', 'b.yaml']);
    expect(expandPath(dir, true).map((p) => p.slice(dir.length + 1))).toEqual(['a.json', 'b.yaml', 'sub/c.yml']);
  });
});
