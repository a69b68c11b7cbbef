import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import { withFirstPaint } from './src-renderer/src/shell/first-paint';

const contractAlias = { '@contract': resolve(import.meta.dirname, 'src-main/contract') };

/**
 * Three builds, one per process. Main also carries the two other transports over the
 * same handler table — serve mode (`out/main/serve.js`) and the CLI (`out/main/cli.js`) —
 * so `npm run serve` and the package's `bin` run exactly what the desktop app runs.
 */
export default defineConfig({
  main: {
    build: {
      externalizeDeps: true,
      rollupOptions: {
        input: {
          index: resolve(import.meta.dirname, 'src-main/electron/main.ts'),
          serve: resolve(import.meta.dirname, 'src-main/serve/main.ts'),
          cli: resolve(import.meta.dirname, 'src-main/cli/main.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      // A sandboxed preload cannot require node_modules: bundle everything into one CJS file.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve(import.meta.dirname, 'src-main/electron/preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(import.meta.dirname, 'src-renderer'),
    resolve: { alias: contractAlias },
    plugins: [
      react(),
      // The sidebar as HTML inside #root, painted before the app's code runs (issue 31's first paint).
      { name: 'kindscope-first-paint', transformIndexHtml: (html: string) => withFirstPaint(html) },
    ],
    build: {
      // electron-vite leaves the renderer unminified; serve mode ships it over the network.
      minify: true,
      rollupOptions: { input: { index: resolve(import.meta.dirname, 'src-renderer/index.html') } },
    },
  },
});
