import { describe, expect, it } from 'vitest';
import { applyPatch, jsonPatch, mergePatch, PatchError, strategicMergePatch } from './patch.ts';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from './selectors.ts';

describe('patches', () => {
  const deployment = {
    spec: {
      replicas: 1,
      template: {
        spec: {
          containers: [
            { name: 'a', image: 'a:1' },
            { name: 'b', image: 'b:1' },
          ],
        },
      },
    },
    metadata: { labels: { x: '1' } },
  };

  it('merge patch replaces lists and deletes with null (RFC 7386)', () => {
    expect(
      mergePatch(deployment, {
        metadata: { labels: { x: null, y: '2' } },
        spec: { template: { spec: { containers: [{ name: 'c' }] } } },
      }),
    ).toEqual({
      spec: { replicas: 1, template: { spec: { containers: [{ name: 'c' }] } } },
      metadata: { labels: { y: '2' } },
    });
  });

  it('JSON patch applies operations in order and fails a failed test (RFC 6902)', () => {
    expect(
      jsonPatch(deployment, [
        { op: 'replace', path: '/spec/replicas', value: 3 },
        { op: 'add', path: '/metadata/labels/z', value: '3' },
        { op: 'remove', path: '/metadata/labels/x' },
      ]),
    ).toMatchObject({ spec: { replicas: 3 }, metadata: { labels: { z: '3' } } });
    expect(() => jsonPatch(deployment, [{ op: 'test', path: '/spec/replicas', value: 9 }])).toThrow(PatchError);
  });

  it('strategic merge patch merges containers by name and honours $patch: delete', () => {
    const patched = strategicMergePatch(deployment, {
      spec: {
        template: {
          spec: {
            containers: [
              { name: 'b', image: 'b:2' },
              { name: 'a', $patch: 'delete' },
              { name: 'c', image: 'c:1' },
            ],
          },
        },
      },
    }) as typeof deployment;
    expect(patched.spec.template.spec.containers).toEqual([
      { name: 'b', image: 'b:2' },
      { name: 'c', image: 'c:1' },
    ]);
  });

  it('server-side apply merges the intent into the live object', () => {
    expect(
      applyPatch(
        { metadata: { name: 'p', labels: { a: '1' } }, spec: { blocks: [{ cidr: '10.0.0.0/24' }] } },
        { metadata: { name: 'p', labels: { b: '2' } }, spec: { disabled: true } },
      ),
    ).toEqual({
      metadata: { name: 'p', labels: { a: '1', b: '2' } },
      spec: { blocks: [{ cidr: '10.0.0.0/24' }], disabled: true },
    });
  });
});

describe('selectors', () => {
  it('label selectors: equality, sets and existence', () => {
    const labels = { app: 'web', tier: 'front' };
    expect(matchesLabels(labels, parseLabelSelector('app=web,tier!=back'))).toBe(true);
    expect(matchesLabels(labels, parseLabelSelector('tier in (front, mid),!missing'))).toBe(true);
    expect(matchesLabels(labels, parseLabelSelector('app notin (web)'))).toBe(false);
    expect(matchesLabels(labels, parseLabelSelector('missing'))).toBe(false);
  });

  it('field selectors on dotted paths', () => {
    const pod = { metadata: { name: 'p', namespace: 'kube-system' }, spec: { nodeName: 'n1' } };
    expect(matchesFields(pod, parseFieldSelector('metadata.namespace=kube-system,spec.nodeName!=n2'))).toBe(true);
    expect(matchesFields(pod, parseFieldSelector('spec.nodeName==n2'))).toBe(false);
  });
});
