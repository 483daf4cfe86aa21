import { defineConfig, type UserConfig } from 'vite';
import react from '@vitejs/plugin-react';
import tailwindcss from '@tailwindcss/vite';
import { VitePWA } from 'vite-plugin-pwa';
import { reportSizePlugin } from './scripts/report-size.ts';

// The app shell is precached by a generated service worker so a paired device opens straight
// into work with no network (documents come from IndexedDB). Navigations fall back to
// index.html, except server paths, which must reach the network or fail honestly.
export default defineConfig(({ command }) => {
  // A build is always a production build: when started from a test runner (NODE_ENV=test) Vite
  // would otherwise bundle React's development build (+70 KB gzipped on the POS route).
  if (command === 'build') process.env.NODE_ENV = 'production';
  return config;
});

const config = {
  plugins: [
    react(),
    tailwindcss(),
    VitePWA({
      strategies: 'generateSW',
      registerType: 'autoUpdate',
      injectRegister: null,
      manifest: {
        name: 'Kiosk POS',
        short_name: 'Kiosk',
        start_url: '/',
        display: 'standalone',
        background_color: '#0f172a',
        theme_color: '#0f172a',
        icons: [{ src: '/icon.svg', sizes: 'any', type: 'image/svg+xml' }],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,svg,webmanifest}'],
        navigateFallback: '/index.html',
        navigateFallbackDenylist: [/^\/(api|sync|healthz|readyz|metrics)(\/|$)/],
        clientsClaim: true,
        skipWaiting: true,
        cleanupOutdatedCaches: true,
        // The office chunk (chart.js) is large; precache it anyway so a manager's tablet works offline too.
        maximumFileSizeToCacheInBytes: 4 * 1024 * 1024,
      },
    }),
    reportSizePlugin(),
  ],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    manifest: true,
    target: 'es2022',
    sourcemap: false,
  },
  server: {
    proxy: {
      '/api': 'http://localhost:8080',
      '/readyz': 'http://localhost:8080',
      '/sync': { target: 'ws://localhost:8080', ws: true },
    },
  },
} satisfies UserConfig;
