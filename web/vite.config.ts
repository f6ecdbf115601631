import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import tailwindcss from '@tailwindcss/vite';

// A build is always the production build. Vite takes NODE_ENV from the environment when it is set, and
// `npm start` under NODE_ENV=development (the server's default) or test (vitest) used to ship React's
// development runtime (jsxDEV, the build machine's absolute source paths, no service worker).
export default defineConfig(({ command }) => {
  if (command === 'build') process.env.NODE_ENV = 'production';
  return {
    mode: command === 'build' ? 'production' : undefined,
    plugins: [react(), tailwindcss()],
    build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
    server: { proxy: { '/api': 'http://localhost:3001', '/admin': 'http://localhost:3001', '/health': 'http://localhost:3001' } },
  };
});
