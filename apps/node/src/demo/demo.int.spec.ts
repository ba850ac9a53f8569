import { mkdtempSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNode, type FederationNode } from '../node';
import { DemoClient } from './http';
import { parseDemoArgs } from './options';
import { silentProgress } from './progress';
import { runDemo, type DemoResult } from './run-demo';
import { CLASSES } from './world';

jest.setTimeout(60_000);

const ADMIN_KEY = `kpf_0123456789abcdef_${'d'.repeat(43)}`;
const TODAY = '2026-11-28';

describe('the demo federation, small, against a listening node', () => {
  let node: FederationNode;
  let server: Server;
  let url: string;
  let result: DemoResult;
  let admin: DemoClient;

  beforeAll(async () => {
    node = await createNode({
      dataDir: mkdtempSync(join(tmpdir(), 'kopfed-demo-')),
      adminKey: ADMIN_KEY,
      clock: () => new Date(`${TODAY}T05:00:00Z`),
      rateLimit: { ratePerSecond: 10_000, burst: 10_000 },
    });
    server = node.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    admin = new DemoClient(url, ADMIN_KEY, 'demo-test');
    const options = parseDemoArgs(['--coops', '3', '--persons', '60', '--months', '3', '--today', TODAY]);
    result = await runDemo(url, ADMIN_KEY, options, silentProgress);
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await node.close();
  });

  it('builds it', () => {
    expect(result.plan.coops).toHaveLength(3);
  });
});
