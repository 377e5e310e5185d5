import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The hub serves the API, the live feed and (in production) this app from one origin; in dev Vite proxies to it.
const hub = 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [react()],
  server: {
    proxy: {
      '/api': { target: hub, changeOrigin: false },
      '/live': { target: hub, ws: true, changeOrigin: false },
    },
  },
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1500 },
});
