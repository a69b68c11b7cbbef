import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBusyboxImage } from '../../../e2e/lab/images.ts';
import { docker, requireDocker } from '../../../e2e/lab/require-docker.ts';
import { createDockerClient } from '../docker/docker-client';
import { defaultEndpointEnvironment, resolveDockerEndpoint } from '../docker/docker-endpoint';
import { helperLabels, helperName } from '../docker/helper-containers';
import { recoverFailoverDrill } from './failover-recover';

const cluster = `c-recover-${randomBytes(3).toString('hex')}`;
const node = `${cluster}-worker`;
const stranger = `${cluster}-stranger`;
const capture = helperName('capture');

beforeAll(() => {
  requireDocker();
  const image = ensureBusyboxImage();
  const labels = (entries: Record<string, string>) =>
    Object.entries(entries).flatMap(([k, v]) => ['--label', `${k}=${v}`]);
  // A stopped "node" of the cluster (kind's label), a container of no cluster, and a capture helper of this process.
  docker(['create', '--name', node, ...labels({ 'io.x-k8s.kind.cluster': cluster }), image, 'sleep', '600']);
  docker(['create', '--name', stranger, image, 'sleep', '600']);
  docker(['create', '--name', capture, ...labels(helperLabels('capture')), image, 'true']);
});
afterAll(() => {
  docker(['rm', '-f', node, stranger, capture]);
});

describe('recovering from an interrupted failover drill (capture:failover-recover)', () => {
  const client = () => createDockerClient(resolveDockerEndpoint(defaultEndpointEnvironment({})));

  it("starts the stopped node and removes this process's capture helpers", async () => {
    const result = await recoverFailoverDrill(client(), { cluster, node });
    expect(result.started).toBe(true);
    expect(result.removedHelpers).toBeGreaterThanOrEqual(1);
    expect(docker(['inspect', '-f', '{{.State.Running}}', node]).trim()).toBe('true');
    expect(docker(['ps', '-a', '--filter', `name=^${capture}$`, '--format', '{{.Names}}']).trim()).toBe('');
  });

  it('never starts a container that is not a node of that cluster', async () => {
    await expect(recoverFailoverDrill(client(), { cluster, node: stranger })).rejects.toThrow(
      `node: ${stranger} is not a node container of the kind cluster "${cluster}"`,
    );
    expect(docker(['inspect', '-f', '{{.State.Running}}', stranger]).trim()).toBe('false');
  });
});
