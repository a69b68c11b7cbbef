import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { KindscopeError } from '../../contract';
import { defaultEndpointEnvironment, resolveDockerEndpoint } from './docker-endpoint';

let home: string;

function writeContext(
  name: string,
  host: string,
  options: { tls?: boolean; skipVerify?: boolean; configDir?: string } = {},
) {
  const configDir = options.configDir ?? join(home, '.docker');
  const hash = createHash('sha256').update(name).digest('hex');
  const metaDir = join(configDir, 'contexts', 'meta', hash);
  mkdirSync(metaDir, { recursive: true });
  // The shape `docker context create` writes.
  writeFileSync(
    join(metaDir, 'meta.json'),
    JSON.stringify({
      Name: name,
      Metadata: { Description: '' },
      Endpoints: { docker: { Host: host, SkipTLSVerify: options.skipVerify ?? false } },
    }),
  );
  if (options.tls) {
    const tlsDir = join(configDir, 'contexts', 'tls', hash, 'docker');
    mkdirSync(tlsDir, { recursive: true });
    for (const file of ['ca.pem', 'cert.pem', 'key.pem']) writeFileSync(join(tlsDir, file), `${file} of ${name}`);
  }
}

function writeConfig(content: object | string, configDir = join(home, '.docker')) {
  mkdirSync(configDir, { recursive: true });
  writeFileSync(join(configDir, 'config.json'), typeof content === 'string' ? content : JSON.stringify(content));
}

function resolveWith(env: Record<string, string | undefined>) {
  return resolveDockerEndpoint({ ...defaultEndpointEnvironment(env), home });
}

/** The error a function throws; fails the test when it throws nothing. */
function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'kindscope-home-'));
});

describe('resolveDockerEndpoint follows the docker CLI', () => {
  it('uses the platform default when nothing is configured', () => {
    expect(resolveWith({})).toEqual({ host: 'unix:///var/run/docker.sock', source: 'default', tls: false });
  });

  it('uses currentContext from ~/.docker/config.json and reads the context store', () => {
    writeContext('desktop-linux', `unix://${home}/.docker/run/docker.sock`);
    writeConfig({ auths: {}, currentContext: 'desktop-linux' });
    expect(resolveWith({})).toMatchObject({
      host: `unix://${home}/.docker/run/docker.sock`,
      source: 'docker config',
      context: 'desktop-linux',
      tls: false,
    });
  });

  it('treats currentContext "default" as the platform default', () => {
    writeConfig({ currentContext: 'default' });
    expect(resolveWith({})).toMatchObject({
      host: 'unix:///var/run/docker.sock',
      source: 'default',
      context: 'default',
    });
  });

  it('lets DOCKER_CONTEXT override the config file', () => {
    writeContext('colima', `unix://${home}/.colima/default/docker.sock`);
    writeContext('orbstack', `unix://${home}/.orbstack/run/docker.sock`);
    writeConfig({ currentContext: 'orbstack' });
    expect(resolveWith({ DOCKER_CONTEXT: 'colima' })).toMatchObject({
      source: 'DOCKER_CONTEXT',
      context: 'colima',
      host: `unix://${home}/.colima/default/docker.sock`,
    });
  });

  it('lets DOCKER_HOST override DOCKER_CONTEXT and the config file', () => {
    writeContext('colima', `unix://${home}/.colima/default/docker.sock`);
    writeConfig({ currentContext: 'colima' });
    expect(resolveWith({ DOCKER_HOST: 'unix:///tmp/other.sock', DOCKER_CONTEXT: 'colima' })).toEqual({
      host: 'unix:///tmp/other.sock',
      source: 'DOCKER_HOST',
      tls: false,
    });
  });

  it('honours DOCKER_CONFIG for the config and context store', () => {
    const configDir = join(home, 'elsewhere');
    writeContext('remote', 'tcp://10.0.0.5:2376', { tls: true, configDir });
    writeConfig({ currentContext: 'remote' }, configDir);
    const endpoint = resolveWith({ DOCKER_CONFIG: configDir });
    expect(endpoint).toMatchObject({ host: 'tcp://10.0.0.5:2376', context: 'remote', tls: true });
    expect(endpoint.tlsFiles).toEqual({
      ca: 'ca.pem of remote',
      cert: 'cert.pem of remote',
      key: 'key.pem of remote',
      verify: true,
    });
  });

  it('uses TLS for a tcp DOCKER_HOST when DOCKER_TLS_VERIFY is set, with certificates from DOCKER_CERT_PATH', () => {
    const certs = join(home, 'certs');
    mkdirSync(certs);
    for (const file of ['ca.pem', 'cert.pem', 'key.pem']) writeFileSync(join(certs, file), file);
    const endpoint = resolveWith({
      DOCKER_HOST: 'tcp://192.0.2.1:2376',
      DOCKER_TLS_VERIFY: '1',
      DOCKER_CERT_PATH: certs,
    });
    expect(endpoint).toMatchObject({
      tls: true,
      tlsFiles: { ca: 'ca.pem', cert: 'cert.pem', key: 'key.pem', verify: true },
    });
    expect(resolveWith({ DOCKER_HOST: 'tcp://192.0.2.1:2375' })).toMatchObject({ tls: false });
  });

  it('rejects a DOCKER_HOST that is not an endpoint, naming the variable and the fix', () => {
    const error = thrownBy(() => resolveWith({ DOCKER_HOST: '/var/run/docker.sock' }));
    expect(error).toBeInstanceOf(KindscopeError);
    expect(error).toMatchObject({
      message: expect.stringContaining('DOCKER_HOST'),
      hint: expect.stringContaining('unix://'),
    });
  });

  it('explains a context that does not exist', () => {
    writeConfig({ currentContext: 'gone' });
    expect(() => resolveWith({})).toThrow(/Docker context "gone"/);
    expect(() => resolveWith({ DOCKER_CONTEXT: 'missing' })).toThrow(/unset DOCKER_CONTEXT|does not exist/);
  });

  it('explains a config.json that is not valid', () => {
    writeConfig('{ not json');
    expect(() => resolveWith({})).toThrow(/config.json is not valid/);
  });
});
