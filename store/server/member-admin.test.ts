import { describe, expect, it } from 'vitest';
import { validPeerUrls } from './member-admin.js';

describe('MemberAdd peer URLs (etcd types.NewURLs)', () => {
  it('accepts host:port URLs of the four schemes', () => {
    expect(validPeerUrls(['http://127.0.0.1:2380'])).toBe(true);
    expect(validPeerUrls(['https://a.example:2380', 'http://[::1]:2380', 'unix://sock:1', 'unixs://sock:1'])).toBe(true);
  });

  it('refuses no URL, another scheme, a missing port, a path', () => {
    for (const bad of [[], ['ftp://a:1'], ['http://a'], ['http://a:1/x'], ['a:1'], ['http://a:1', 'nope']]) {
      expect(validPeerUrls(bad), JSON.stringify(bad)).toBe(false);
    }
  });
});
