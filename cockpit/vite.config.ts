/** Vite build of the cockpit: `vite build --config cockpit/vite.config.ts` writes cockpit/dist. */
import { fileURLToPath } from 'node:url';
import { defineConfig, normalizePath, type UserConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { viteStaticCopy } from 'vite-plugin-static-copy';

const cockpitDir = fileURLToPath(new URL('.', import.meta.url));
const cesiumBuildDir = normalizePath(fileURLToPath(new URL('../node_modules/cesium/Build/Cesium', import.meta.url)));

/** Hub the dev server forwards `/api` (HTTP and WebSocket) to. */
const devHubUrl = 'http://127.0.0.1:8080';

/** The cockpit's Vite configuration; Cesium's static files are served under `/cesium/`. */
export default defineConfig(({ command }) => {
  // A build is always a production bundle, even when the caller runs with another NODE_ENV
  // (vitest sets `test`, which would otherwise ship React's development build).
  if (command === 'build') process.env.NODE_ENV = 'production';
  return config;
});

const config: UserConfig = {
  root: cockpitDir,
  base: '/',
  plugins: [
    react(),
    viteStaticCopy({
      targets: ['Workers', 'Assets', 'ThirdParty', 'Widgets'].map((dir) => ({
        src: `${cesiumBuildDir}/${dir}`,
        dest: 'cesium',
      })),
    }),
  ],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    // Cesium alone is about 4 MB minified; it gets a chunk of its own so the login page stays small.
    chunkSizeWarningLimit: 6000,
  },
  server: {
    proxy: {
      '/api': { target: devHubUrl, ws: true, changeOrigin: true },
    },
  },
};
