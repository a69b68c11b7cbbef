import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBusyboxImage } from '../../../e2e/lab/images.ts';
import { docker, requireDocker } from '../../../e2e/lab/require-docker.ts';
import { createMemoryLogger } from '../util/logger';
import { createDockerClient } from './docker-client';
import { defaultEndpointEnvironment, resolveDockerEndpoint } from './docker-endpoint';
import { DockerEngineService } from './docker-engine-service';
import { helperLabel, helperName } from './helper-containers';

const name = helperName('i13-count-test');

beforeAll(() => {
  requireDocker();
  // A stopped container labelled as Kindscope's helper: it must not appear in the user's counts.
  docker([
    'create',
    '--name',
    name,
    '--label',
    `${helperLabel}=count-test`,
    '--label',
    'io.kindscope.lab=i13',
    ensureBusyboxImage(),
    'true',
  ]);
});
afterAll(() => {
  docker(['rm', '-f', name]);
});

describe("Kindscope's helper containers", () => {
  it('are named for what they are', () => {
    expect(name).toMatch(new RegExp(`^kindscope-helper-i13-count-test-${process.pid}-[0-9a-f]{6}$`));
  });

  it("are left out of the engine's container counts", async () => {
    const endpoint = resolveDockerEndpoint(defaultEndpointEnvironment({}));
    const service = new DockerEngineService({
      endpoint,
      docker: createDockerClient(endpoint),
      log: createMemoryLogger(),
    });
    // Other engineers' containers come and go on the shared engine: compare within one probe window.
    const status = await service.refresh();
    const [total, stopped] = docker(['info', '--format', '{{.Containers}}|{{.ContainersStopped}}'])
      .trim()
      .split('|')
      .map(Number);
    const helpers = docker(['ps', '-a', '--filter', `label=${helperLabel}`, '--format', '{{.State}}'])
      .trim()
      .split('\n')
      .filter(Boolean);
    expect(helpers.length).toBeGreaterThanOrEqual(1);
    expect(status.engine?.containers.total).toBe(total! - helpers.length);
    expect(status.engine?.containers.stopped).toBe(
      stopped! - helpers.filter((s) => s !== 'running' && s !== 'paused').length,
    );
    service.dispose();
  });
});
