// `npm run cli -- stats --activation=tanh --scheme=xavier-normal ...`: per-layer statistics of K
// random initializations, from the GPU engine (Dawn) or, with --cpu, from the CPU twin.
import { INIT_PARAMS, validateInitConfig } from '../core/initConfig';
import { initStats } from '../core/initStats';
import { InitStatsEngine } from '../gpu/initStats';
import { helpForTable, type ParsedFlags, readTableFlags, switchFlag } from './args';
import type { CliCommand } from './command';
import { adapterJson, openCliGpu } from './gpu';

export const statsCommand: CliCommand = {
  name: 'stats',
  summary: 'per-layer statistics of z, a, δ and ∂L/∂W over K random initializations, with the mean-field theory',
  help: () => `${helpForTable(INIT_PARAMS)}\n  --cpu            run the CPU twin (f64) instead of the GPU`,
  async run(flags: ParsedFlags) {
    const values = readTableFlags(INIT_PARAMS, flags, ['cpu']);
    const config = validateInitConfig(values);
    if (switchFlag(flags, 'cpu')) {
      const start = performance.now();
      const result = initStats(config);
      return { config, adapter: adapterJson(undefined), timeMs: performance.now() - start, layers: result.layers };
    }
    const gpu = await openCliGpu();
    try {
      const engine = await InitStatsEngine.create(gpu.device);
      const run = await engine.run(config, {
        onProgress: ({ done, total }) => process.stderr.write(`\r${done}/${total} initializations`),
      });
      process.stderr.write('\n');
      engine.destroy();
      return { config, adapter: adapterJson(gpu), timeMs: run.timeMs, layers: run.result.layers };
    } finally {
      gpu.release();
    }
  },
};
