import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { requireDocker } from '../../../e2e/lab/require-docker.ts';
import { createDockerClient } from '../docker/docker-client';
import { defaultEndpointEnvironment, resolveDockerEndpoint } from '../docker/docker-endpoint';
import { ensureCaptureImage } from './capture-image';

/**
 * Issue 28: the image question says which image and why (the drill too), and a pull that
 * cannot reach a registry ends in words naming the image, the alternative and the offline
 * route, on the real engine: a registry on a closed loopback port stands for "offline".
 */
describe('the capture image, asked for and missing', () => {
  let docker: ReturnType<typeof createDockerClient>;
  const image = `127.0.0.1:9/kindscope-i28-${randomBytes(3).toString('hex')}:v1`;
  beforeAll(() => {
    requireDocker();
    docker = createDockerClient(resolveDockerEndpoint(defaultEndpointEnvironment({})));
  });

  it('asks first, naming the image and why the drill needs it', async () => {
    const asked = await ensureCaptureImage(docker, image, false, 'failover').catch((e: unknown) => e);
    expect(asked).toMatchObject({ code: 'CONSENT_REQUIRED' });
    const { message, hint } = asked as { message: string; hint: string };
    expect(message).toContain(image);
    expect(message).toMatch(/^The failover drill listens with tcpdump on every node that may take the IP over/);
    expect(hint).toContain('Pull and run the drill');
    expect(hint).toContain('KINDSCOPE_CAPTURE_IMAGE');
  });

  it('a failed pull names the image, KINDSCOPE_CAPTURE_IMAGE and docker save / docker load', async () => {
    const failed = await ensureCaptureImage(docker, image, true).catch((e: unknown) => e);
    expect(failed).toMatchObject({ code: 'CAPTURE_FAILED' });
    const { message, hint } = failed as { message: string; hint: string };
    expect(message).toContain(`Pulling ${image} failed`);
    expect(hint).toContain('KINDSCOPE_CAPTURE_IMAGE');
    expect(hint).toContain(`docker save ${image} -o kindscope-i28-`);
    expect(hint).toMatch(/docker load -i kindscope-i28-[0-9a-f]+\.tar/);
  });
});
