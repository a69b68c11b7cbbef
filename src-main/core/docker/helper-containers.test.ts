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
    // Other tests' containers come and go on the shared engine (many at once on a fresh CI run,
    // where files run in parallel): compare only within a window in which the engine's counts and
    // its helpers did not change, read before and after the service's own probe.
    const engineCounts = () => {
      const [total, stopped] = docker(['info', '--format', '{{.Containers}}|{{.ContainersStopped}}'])
        .trim()
        .split('|')
        .map(Number);
      const helpers = docker(['ps', '-a', '--filter', `label=${helperLabel}`, '--format', '{{.ID}} {{.State}}'])
        .trim()
        .split('\n')
        .filter(Boolean)
        .sort();
      return { total: total!, stopped: stopped!, helpers };
    };
    let window:
      { before: ReturnType<typeof engineCounts>; status: Awaited<ReturnType<typeof service.refresh>> } | undefined;
    for (let attempt = 0; attempt < 50 && !window; attempt++) {
      const before = engineCounts();
      const status = await service.refresh();
      if (JSON.stringify(engineCounts()) === JSON.stringify(before)) window = { before, status };
      else await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(window, 'the engine never stood still for one probe').toBeDefined();
    const { before, status } = window!;
    const states = before.helpers.map((line) => line.split(' ')[1]);
    expect(
      before.helpers.some((line) => line.startsWith(docker(['inspect', name, '--format', '{{.Id}}']).slice(0, 12))),
    ).toBe(true);
    expect(status.engine?.containers.total).toBe(before.total - states.length);
    expect(status.engine?.containers.stopped).toBe(
      before.stopped - states.filter((s) => s !== 'running' && s !== 'paused').length,
    );
    service.dispose();
  });
});
