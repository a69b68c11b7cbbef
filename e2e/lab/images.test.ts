import { describe, expect, it } from 'vitest';
import { ensureNodeImage, ensureToolsImage } from './images.ts';
import { docker, requireDocker } from './require-docker.ts';

describe('lab images (docker import, no registry)', () => {
  it('are reused by content hash', () => {
    requireDocker();
    expect(ensureNodeImage()).toBe(ensureNodeImage());
  });

  it('the node image runs the real iproute2 and busybox arping/httpd', () => {
    const image = ensureNodeImage();
    expect(docker(['run', '--rm', image, 'ip', '-V'])).toMatch(/iproute2/);
    expect(docker(['run', '--rm', image, 'sh', '-c', 'arping --help 2>&1; httpd --help 2>&1; true'])).toMatch(
      /arping[\s\S]*httpd/i,
    );
  });

  it('the tools image runs tcpdump', () => {
    expect(docker(['run', '--rm', ensureToolsImage(), 'tcpdump', '--version'])).toMatch(/tcpdump version/);
  });
});
