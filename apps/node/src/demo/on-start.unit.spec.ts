import type { FederationNode } from '../node';
import { fillOnStart } from './on-start';

describe('npm start -- --demo', () => {
  it('says clearly that it cannot fill a node whose admin key it does not know, and sends nothing', async () => {
    const written: string[] = [];
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    const fetch = jest.spyOn(globalThis, 'fetch');
    try {
      const node = { bootstrap: { created: false } } as unknown as FederationNode;
      await fillOnStart(node, {}, 'http://127.0.0.1:1', ['--demo']);
      expect(written.join('')).toContain('set KOPFED_ADMIN_KEY');
      expect(fetch).not.toHaveBeenCalled();
    } finally {
      stderr.mockRestore();
      fetch.mockRestore();
    }
  });
});
