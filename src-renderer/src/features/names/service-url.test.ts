import { describe, expect, it } from 'vitest';
import { serviceUrl } from './ServiceName';

describe('serviceUrl', () => {
  it('links port 80 without a port, another TCP port with it, as the cluster status writes ports', () => {
    expect(serviceUrl('web.default.demo.kind.internal', ['80:30397/TCP'])).toBe(
      'http://web.default.demo.kind.internal/',
    );
    expect(serviceUrl('api.default.demo.kind.internal', ['8080:31234/TCP'])).toBe(
      'http://api.default.demo.kind.internal:8080/',
    );
    expect(serviceUrl('dns.default.demo.kind.internal', ['53:30053/UDP', '9153/TCP'])).toBe(
      'http://dns.default.demo.kind.internal:9153/',
    );
    expect(serviceUrl('x.default.demo.kind.internal', [])).toBe('http://x.default.demo.kind.internal/');
  });
});
