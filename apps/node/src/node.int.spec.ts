import { mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createNode, SERVICES } from './node';

describe('federation node', () => {
  it('opens one store per service and reports them on /health', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kopfed-node-'));
    const node = createNode({ dataDir });
    try {
      const response = await request(node.app).get('/health').expect(200);
      expect(response.body).toEqual({
        status: 'ok',
        stores: SERVICES.map((service) => ({ service, headPosition: 0 })),
      });
      for (const service of SERVICES) expect(existsSync(join(dataDir, `${service}.db`))).toBe(true);
    } finally {
      await node.close();
    }
  });
});
