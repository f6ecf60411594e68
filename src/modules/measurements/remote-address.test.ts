import { describe, expect, it } from 'vitest';
import { refusedRemoteAddress } from './remote-address.ts';

describe('addresses the server may pull from for a participant', () => {
  it.each([
    'http://127.0.0.1:1337',
    'http://localhost/',
    'http://10.1.2.3',
    'http://172.20.0.1',
    'http://192.168.1.10',
    'http://169.254.169.254/latest/meta-data',
    'http://100.64.0.1',
    'http://[::1]:8080',
    'http://[fd00::1]',
    'http://[::ffff:127.0.0.1]',
    'http://0.0.0.0',
  ])('refuses the internal address %s', async (address) => {
    expect(await refusedRemoteAddress(address)).toMatch(/private network/);
  });

  it('accepts a public address given as an IP', async () => {
    expect(await refusedRemoteAddress('https://93.184.215.14/')).toBeNull();
  });

  it('refuses what is not a web address', async () => {
    expect(await refusedRemoteAddress('ftp://example.org')).toMatch(/http/);
    expect(await refusedRemoteAddress('not a url')).toMatch(/web address/);
    expect(await refusedRemoteAddress('https://no-such-host.invalid')).toMatch(/not found/);
  });
});
