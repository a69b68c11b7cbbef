import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MINIMUM_NODE, nodeVersionProblem } from './node-guard.mjs';

const root = join(import.meta.dirname, '../../..');

describe('node-guard', () => {
  it('has the minimum package.json declares in "engines"', () => {
    const engines = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string } })
      .engines.node;
    expect(engines).toBe(`>=${MINIMUM_NODE.replace(/\.0$/, '')}`);
  });

  it.each([
    ['20.20.2', false],
    ['22.18.9', false],
    ['22.19.0', true],
    ['22.100.0', true],
    ['24.1.0', true],
    ['3.0.0', false],
  ])('Node %s supported: %s', (version, supported) => {
    expect(nodeVersionProblem(version) === undefined).toBe(supported);
  });

  it('names the version found, the one needed and what to do, in one line', () => {
    const problem = nodeVersionProblem('20.20.2')!;
    expect(problem).toMatch(/^Kindscope needs Node\.js >= 22\.19\.0 .*this is Node 20\.20\.2 .*Install Node 24/);
    expect(problem).not.toContain('\n');
  });

  it('runs on this Node without a word', () => {
    const result = spawnSync(process.execPath, [join(import.meta.dirname, 'node-guard.mjs')], { encoding: 'utf8' });
    expect([result.status, result.stderr]).toEqual([0, '']);
  });
});
