import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPaste, shellWords } from './paste';

const fixtures = join(import.meta.dirname, '../../../../../../shared/fixtures/article');

describe('shellWords: words as a shell reads them', () => {
  it.each([
    ['helm install a b', [['helm', 'install', 'a', 'b']]],
    [`--set kubeProxyReplacement="strict"`, [['--set', 'kubeProxyReplacement=strict']]],
    [`--set devices="{eth0,net0}"`, [['--set', 'devices={eth0,net0}']]],
    [`--set 'a=$HOME' "b=\\$x \\"q\\""`, [['--set', 'a=$HOME', 'b=$x "q"']]],
    ['echo a\\ b c', [['echo', 'a b', 'c']]],
    [
      'helm repo update && helm install x y # comment',
      [
        ['helm', 'repo', 'update'],
        ['helm', 'install', 'x', 'y'],
      ],
    ],
    ['a; b | c', [['a'], ['b'], ['c']]],
    [`--set x=""`, [['--set', 'x=']]],
  ])('%s', (text, expected) => {
    expect(shellWords(text)).toEqual(expected);
  });
});

describe('readPaste', () => {
  it("splits the article's kind config and continued helm command", () => {
    const text = `${readFileSync(join(fixtures, 'kind-config.yaml'), 'utf8')}\n${readFileSync(join(fixtures, 'helm-install.txt'), 'utf8')}`;
    const paste = readPaste(text, 'article');
    expect(paste.yaml).toHaveLength(1);
    expect(paste.yaml[0]!.text).toContain('kind: Cluster');
    expect(paste.commands).toHaveLength(1);
    const words = paste.commands[0]!.words;
    expect(words.slice(0, 6)).toEqual(['helm', 'install', 'cilium', 'cilium/cilium', '--version', '1.15.4']);
    expect(words).toContain('--reuse-values');
    expect(words).toContain('kubeProxyReplacement=strict');
    expect(words).toContain('devices={eth0,net0}');
    expect(words.at(-1)).toBe('operator.replicas=2');
    // 8 lines of kind config, the blank line the join adds, then the command.
    expect(paste.commands[0]!.line).toBe(10);
  });

  it('reads YAML in any order around commands, markdown fences, prompts and heredoc bodies', () => {
    const text = [
      '```sh',
      '$ kind create cluster --name lab --config kind.yaml',
      '```',
      'ipam:',
      '  mode: kubernetes',
      '---',
      'cat <<EOF | kubectl apply -f -',
      'apiVersion: cilium.io/v2alpha1',
      'kind: CiliumLoadBalancerIPPool',
      'metadata: {name: p}',
      '---',
      'apiVersion: cilium.io/v2alpha1',
      'kind: CiliumL2AnnouncementPolicy',
      'metadata: {name: l2}',
      'EOF',
    ].join('\n');
    const paste = readPaste(text, 'p');
    expect(paste.commands.map((c) => c.words.slice(0, 2))).toEqual([['kind', 'create'], ['cat'], ['kubectl', 'apply']]);
    expect(
      paste.yaml.map(
        (y) =>
          y.text
            .trim()
            .split('\n')
            .find((l) => l.startsWith('kind:')) ?? y.text.trim().split('\n')[0],
      ),
    ).toEqual(['ipam:', 'kind: CiliumLoadBalancerIPPool', 'kind: CiliumL2AnnouncementPolicy']);
  });
});
