import { defineConfig } from 'vite';

// JSX goes through esbuild's automatic runtime: the console needs no dev-server plugin.
export default defineConfig({
  base: '/',
  esbuild: { jsx: 'automatic' },
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1200 },
});
