/// <reference types="vitest/config" />
import { defineConfig } from 'vite';

// One config for the app (vite dev/build) and the three test projects:
// unit (pure core/ math), gpu (WGSL kernels against their CPU twins in Node through Dawn),
// browser (the built app in headless Chromium through playwright-core).
export default defineConfig({
  base: './',
  build: { target: 'es2022', chunkSizeWarningLimit: 2000 },
  test: {
    projects: [
      {
        extends: true,
        // The CPU twins run real (small) networks: give them room on a loaded 2-core machine.
        test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], environment: 'node', testTimeout: 60_000 },
      },
      {
        extends: true,
        test: {
          name: 'gpu',
          include: ['tests/gpu/**/*.test.ts'],
          environment: 'node',
          // One Dawn device per file; files run one after another so two software
          // adapters never fight over the machine's two cores.
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['tests/browser/**/*.test.ts'],
          environment: 'node',
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
