import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { mountConsole, type ConsoleOptions } from '@kopfed/node/src/console';

/** The node's console mount over a dist folder of the test's own, behind an API-like 404. */
async function serve(options: ConsoleOptions): Promise<{ url: string; close(): Promise<void> }> {
  const app = express();
  mountConsole(app, options);
  app.use((_req, res) => {
    res.status(404).type('application/problem+json').send({ title: 'Not found', status: 404 });
  });
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('the node serves the web console at /', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kopfed-console-dist-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('serves the page at / and its hashed assets for a year, and leaves other paths to the APIs', async () => {
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>konsol</title>');
    writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'export {};');
    const { url, close } = await serve({ distDir: dir, buildIfMissing: false });
    try {
      const page = await fetch(`${url}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('konsol');
      expect(page.headers.get('cache-control')).toBe('no-cache');
      const asset = await fetch(`${url}/assets/index-abc123.js`);
      expect(asset.headers.get('cache-control')).toContain('immutable');
      const unknown = await fetch(`${url}/nowhere`);
      expect(unknown.status).toBe(404);
      expect(unknown.headers.get('content-type')).toMatch(/problem\+json/);
    } finally {
      await close();
    }
  });

  it('says how to build the console when it is missing and may not build it', async () => {
    const { url, close } = await serve({ distDir: join(dir, 'dist'), buildIfMissing: false });
    try {
      const page = await fetch(`${url}/`);
      expect(page.status).toBe(503);
      expect(await page.text()).toContain('npm run build');
    } finally {
      await close();
    }
  });

  it('builds a missing console once on the first visit, then serves it', async () => {
    const dist = join(dir, 'dist');
    const marker = join(dir, 'builds.log');
    const script = `const fs=require('fs');fs.appendFileSync(${JSON.stringify(marker)},'x');fs.mkdirSync(${JSON.stringify(dist)},{recursive:true});setTimeout(()=>fs.writeFileSync(${JSON.stringify(join(dist, 'index.html'))},'<title>built</title>'),300);`;
    const { url, close } = await serve({
      distDir: dist,
      buildCommand: { command: process.execPath, args: ['-e', script], cwd: dir },
    });
    try {
      const first = await fetch(`${url}/`);
      expect(first.status).toBe(503);
      expect(first.headers.get('retry-after')).toBe('10');
      expect(await first.text()).toContain('sedang dibangun');
      await fetch(`${url}/`);
      let page: Response | undefined;
      for (let attempt = 0; attempt < 100; attempt++) {
        page = await fetch(`${url}/`);
        if (page.status === 200) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(page?.status).toBe(200);
      expect(await page!.text()).toContain('built');
      expect(readFileSync(marker, 'utf8')).toBe('x');
    } finally {
      await close();
    }
  });
});
