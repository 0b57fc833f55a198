/**
 * The web app's build. The server serves dist/web at `/` and, through its
 * `/t/<slug>/` rewrite, under every utility's prefix too; assets therefore
 * use absolute `/assets/...` paths, which load the same at `/`, at
 * `/t/<slug>/` and at any deep link below it.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 400,
  },
  server: {
    // `npx vite --config web/vite.config.ts` for live editing against a running `npm start`.
    proxy: { '/api': 'http://localhost:3000', '/t': 'http://localhost:3000', '/healthz': 'http://localhost:3000' },
  },
});
