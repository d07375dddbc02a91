// Builds the Node command-line entry (src/cli/main.ts) so it can import WGSL with `?raw`
// exactly like the app; `npm run cli -- …` builds then runs dist-cli/cli.js.
import { defineConfig } from 'vite';

export default defineConfig({
  build: {
    ssr: 'src/cli/main.ts',
    outDir: 'dist-cli',
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    rollupOptions: { output: { entryFileNames: 'cli.js' } },
  },
  // webgpu-utils is bundled, not left an external import: external imports run before the bundle's own
  // code, and src/gpu/webgpuUtilsGlobals.ts must run before webgpu-utils loads (Node 20 has no Float16Array).
  ssr: { external: ['webgpu'], noExternal: ['webgpu-utils'] },
});
