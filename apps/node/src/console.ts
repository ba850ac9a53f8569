import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import express, { type Express } from 'express';
import type { Logger } from 'pino';

/** Where `npm run build` puts the console (apps/console/dist), seen from this file. */
export const CONSOLE_DIST = resolve(__dirname, '../../console/dist');
const REPO_ROOT = resolve(__dirname, '../../..');

export interface ConsoleOptions {
  distDir?: string;
  /** Builds the console on the first visit when it was never built (a fresh clone's `npm start`). */
  buildIfMissing?: boolean;
  logger?: Pick<Logger, 'info' | 'error'>;
  /** The build to run when missing: `npm run build -w @kopfed/console` from the repository root. */
  buildCommand?: { command: string; args: readonly string[]; cwd: string };
}

const NPM_BUILD = {
  command: 'npm',
  args: ['run', 'build', '--workspace', '@kopfed/console'],
  cwd: REPO_ROOT,
} as const;

const page = (title: string, body: string, refreshSeconds?: number) =>
  `<!doctype html><html lang="id"><head><meta charset="utf-8"><title>${title}</title>` +
  (refreshSeconds ? `<meta http-equiv="refresh" content="${refreshSeconds}">` : '') +
  `</head><body><main><h1>${title}</h1><p>${body}</p></main></body></html>`;

/**
 * Serves the web console at `/` (one page; its screens live behind the hash, so no other
 * path needs a fallback and unknown paths still get the API's 404 problem). Mount it before
 * the not-found handler. When the console was never built, the first visit starts
 * `npm run build -w @kopfed/console` once and the page refreshes until it is ready.
 */
export function mountConsole(app: Express, options: ConsoleOptions = {}): void {
  const distDir = options.distDir ?? CONSOLE_DIST;
  const buildIfMissing = options.buildIfMissing ?? true;
  let build: 'idle' | 'running' | 'failed' = 'idle';

  const startBuild = () => {
    build = 'running';
    options.logger?.info(
      { distDir },
      'building the web console (first visit after a fresh install)',
    );
    const { command, args, cwd } = options.buildCommand ?? NPM_BUILD;
    const child = spawn(command, [...args], { cwd, stdio: 'ignore' });
    child.on('error', (error) => {
      build = 'failed';
      options.logger?.error({ err: error }, 'could not build the web console');
    });
    child.on('exit', (code) => {
      build = code === 0 ? 'idle' : 'failed';
      if (code !== 0) options.logger?.error({ code }, 'the web console build failed');
      else options.logger?.info({ distDir }, 'web console built');
    });
  };

  app.get(['/', '/index.html'], (req, res, next) => {
    if (existsSync(join(distDir, 'index.html'))) return next();
    res.setHeader('Cache-Control', 'no-store');
    if (build === 'failed' || !buildIfMissing) {
      res
        .status(503)
        .type('html')
        .send(
          page(
            'Konsol belum dibangun',
            'Jalankan <code>npm run build</code> lalu muat ulang. (The console is not built: run npm run build.)',
          ),
        );
      return;
    }
    if (build === 'idle') startBuild();
    res
      .status(503)
      .setHeader('Retry-After', '10')
      .type('html')
      .send(
        page(
          'Konsol sedang dibangun…',
          'Halaman ini akan dimuat ulang sendiri. (The console is being built; this page refreshes itself.)',
          10,
        ),
      );
  });
  app.use(
    express.static(distDir, {
      index: 'index.html',
      fallthrough: true,
      setHeaders: (res, path) => {
        // Vite names assets by their content hash: they never change; index.html always may.
        res.setHeader(
          'Cache-Control',
          path.includes(`${join(distDir, 'assets')}`)
            ? 'public, max-age=31536000, immutable'
            : 'no-cache',
        );
      },
    }),
  );
}
