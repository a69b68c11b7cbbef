import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerFaultProxy } from '../../../e2e/lab/docker-fault-proxy.ts';
import { requireDocker } from '../../../e2e/lab/require-docker.ts';
import { createDockerClient } from '../docker/docker-client';
import { defaultEndpointEnvironment, resolveDockerEndpoint } from '../docker/docker-endpoint';
import { DockerEngineService } from '../docker/docker-engine-service';
import { createMemoryLogger } from '../util/logger';
import { EngineReaders } from './engine-readers';

let proxy: DockerFaultProxy;
beforeAll(async () => {
  requireDocker();
  proxy = await DockerFaultProxy.start();
});
afterAll(() => proxy?.close());

describe('EngineReaders: the netns helper follows the engine', () => {
  it('after retarget, reads go to the new engine and the old helper is ended there', async () => {
    const first = resolveDockerEndpoint(defaultEndpointEnvironment({}));
    const engine = new DockerEngineService({
      endpoint: first,
      docker: createDockerClient(first),
      log: createMemoryLogger(),
    });
    const readers = new EngineReaders(engine, createMemoryLogger());
    try {
      const before = readers.readers;
      expect(before.docker).toBe(engine.docker);
      let oldDisposed = false;
      const dispose = before.netns.dispose.bind(before.netns);
      before.netns.dispose = async () => {
        oldDisposed = true;
        await dispose();
      };
      const second = resolveDockerEndpoint(defaultEndpointEnvironment({ DOCKER_HOST: proxy.dockerHost }));
      engine.retarget(second, createDockerClient(second));
      const after = readers.readers;
      expect(oldDisposed).toBe(true);
      expect(after.docker).toBe(engine.docker);
      expect(after.docker).not.toBe(before.docker);
      expect(after.netns).not.toBe(before.netns);
      // The new readers reach the engine through the proxy: the call is counted there.
      const since = Date.now();
      await after.docker.listContainers({ all: true, filters: { label: ['io.kindscope.engine-readers-test'] } });
      expect(proxy.count({ path: '/containers/json', since })).toBe(1);
    } finally {
      await readers.dispose();
      engine.dispose();
    }
  });
});
