import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The app talks to Gatehouse directly (VITE_GATEHOUSE_URL, http://localhost:4000/graphql by
// default): list the app's origin in Gatehouse's APP_ORIGINS, e.g. http://localhost:5173.
export default defineConfig({
  root: __dirname,
  plugins: [react()],
  server: { port: 5173, strictPort: true },
  preview: { port: 5173, strictPort: true },
  build: { outDir: 'dist', emptyOutDir: true },
});
