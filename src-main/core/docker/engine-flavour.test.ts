import { describe, expect, it } from 'vitest';
import { detectFlavour } from './engine-flavour';

describe('detectFlavour', () => {
  it.each([
    [
      { host: 'unix:///Users/a/.docker/run/docker.sock', operatingSystem: 'Docker Desktop', name: 'docker-desktop' },
      'Docker Desktop',
    ],
    [{ host: 'unix:///Users/a/.orbstack/run/docker.sock', operatingSystem: 'OrbStack', name: 'orbstack' }, 'OrbStack'],
    [
      { host: 'unix:///Users/a/.colima/default/docker.sock', operatingSystem: 'Ubuntu 24.04 LTS', name: 'colima' },
      'Colima',
    ],
    [
      {
        host: 'unix:///Users/a/.rd/docker.sock',
        operatingSystem: 'Rancher Desktop WSL Distribution',
        name: 'lima-rancher-desktop',
      },
      'Rancher Desktop',
    ],
    [
      {
        host: 'unix:///run/user/1000/podman/podman.sock',
        operatingSystem: 'fedora',
        name: 'host',
        components: [{ Name: 'Podman Engine' }],
      },
      'Podman',
    ],
    [{ host: 'unix:///var/run/docker.sock', operatingSystem: 'Debian GNU/Linux 12 (bookworm)', name: 'vm' }, 'native'],
  ])('%o is %s', (clues, flavour) => {
    expect(detectFlavour(clues)).toBe(flavour);
  });
});
