import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBusyboxImage } from '../../../e2e/lab/images.ts';
import { docker, requireDocker } from '../../../e2e/lab/require-docker.ts';
import { createDockerClient } from '../docker/docker-client';
import { defaultEndpointEnvironment, resolveDockerEndpoint } from '../docker/docker-endpoint';
import { helperLabel, helperName, ownerLabel } from '../docker/helper-containers';
import { createMemoryLogger } from '../util/logger';
import { NetnsReader } from './netns-reader';

/** The PID of a process that has ended: what a crashed Kindscope leaves in its helpers' labels. */
function deadPid(): number {
  const child = spawnSync('sh', ['-c', 'echo $$']);
  return Number(child.stdout.toString().trim());
}

const orphan = helperName('host-view');
const living = helperName('host-view');
let image: string;

beforeAll(() => {
  requireDocker();
  image = ensureBusyboxImage();
  docker([
    'create',
    '--name',
    orphan,
    '--label',
    `${helperLabel}=host-view`,
    '--label',
    `${ownerLabel}=${deadPid()}`,
    '--label',
    'io.kindscope.lab=i13',
    image,
    'true',
  ]);
  docker([
    'create',
    '--name',
    living,
    '--label',
    `${helperLabel}=host-view`,
    '--label',
    `${ownerLabel}=${process.pid}`,
    '--label',
    'io.kindscope.lab=i13',
    image,
    'true',
  ]);
});
afterAll(() => {
  docker(['rm', '-f', orphan, living]);
});

describe('NetnsReader helper', () => {
  it('removes helpers of a Kindscope that is gone, keeps a live one, names its own and removes it on dispose', async () => {
    const endpoint = resolveDockerEndpoint(defaultEndpointEnvironment({}));
    const reader = new NetnsReader(createDockerClient(endpoint), createMemoryLogger());
    await reader.read(image, []);
    const names = () =>
      docker(['ps', '-a', '--filter', `label=${ownerLabel}`, '--format', '{{.Names}}'])
        .trim()
        .split('\n');
    expect(names()).not.toContain(orphan);
    expect(names()).toContain(living);
    expect(names().filter((n) => n.startsWith(`kindscope-helper-netns-${process.pid}-`))).toHaveLength(1);
    await reader.dispose();
    expect(names().filter((n) => n.startsWith(`kindscope-helper-netns-${process.pid}-`))).toEqual([]);
    // After dispose no helper is made again.
    await reader.read(image, []);
    expect(names().filter((n) => n.startsWith(`kindscope-helper-netns-${process.pid}-`))).toEqual([]);
  });
});
