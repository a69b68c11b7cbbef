import { describe, expect, it } from 'vitest';
import { exposureWarning, hostAllowed, isLoopbackHost } from './loopback';

describe('the one loopback rule', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.0.0.2', true],
    ['127.255.255.254', true],
    ['localhost', true],
    ['LOCALHOST', true],
    ['::1', true],
    ['[::1]', true],
    ['::ffff:127.0.0.2', true],
    ['0.0.0.0', false],
    ['::', false],
    ['128.0.0.1', false],
    ['192.168.1.5', false],
    ['localhost.evil.example', false],
    ['127.0.0.1.nip.io', false],
    ['', false],
  ])('%s is loopback: %s', (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });
});

describe('Host check', () => {
  it('on a loopback bind accepts loopback names with our port only — also on 127.0.0.2', () => {
    for (const bound of ['127.0.0.1', '127.0.0.2', '::1', 'localhost']) {
      expect(hostAllowed('127.0.0.2:7420', bound, 7420)).toBe(true);
      expect(hostAllowed('localhost:7420', bound, 7420)).toBe(true);
      expect(hostAllowed('[::1]:7420', bound, 7420)).toBe(true);
      expect(hostAllowed('127.0.0.2:7421', bound, 7420)).toBe(false);
      expect(hostAllowed('rebind.evil.example:7420', bound, 7420)).toBe(false);
      expect(hostAllowed('127.0.0.2', bound, 7420)).toBe(false);
      expect(hostAllowed(undefined, bound, 7420)).toBe(false);
    }
  });

  it('on another interface lets the token decide', () => {
    expect(hostAllowed('lab-server.lan:7420', '0.0.0.0', 7420)).toBe(true);
    expect(hostAllowed('lab-server.lan:7420', '192.168.1.5', 7420)).toBe(true);
  });
});

describe('exposure warning', () => {
  it('is silent for the default, names loopback for 127.0.0.2 and other machines for the rest', () => {
    expect(exposureWarning('127.0.0.1')).toBeUndefined();
    expect(exposureWarning('127.0.0.2')).toMatch(
      /^Binding 127\.0\.0\.2: a loopback address.*Anyone with the token controls your Docker engine/,
    );
    expect(exposureWarning('0.0.0.0')).toMatch(/reached from other machines/);
    expect(exposureWarning('lab.example')).toMatch(/reached from other machines/);
  });
});
