// `npm run cli -- stats --activation=tanh --scheme=xavier-normal ...`: per-layer statistics of K
// random initializations, from the GPU engine (Dawn) or, with --cpu, from the CPU twin.
import { INIT_PARAMS, validateInitConfig } from '../core/initConfig';
import { initStats } from '../core/initStats';
import { InitStatsEngine } from '../gpu/initStats';
import { helpForTable, type ParsedFlags, readTableFlags, switchFlag } from './args';
import type { CliCommand, CommandContext } from './command';
import { adapterJson, openCliGpu } from './gpu';

export const statsCommand: CliCommand = {
  name: 'stats',
  summary: 'per-layer statistics of z, a, δ and ∂L/∂W over K random initializations, with the mean-field theory',
  help: () => `${helpForTable(INIT_PARAMS)}\n  --cpu            run the CPU twin (f64) instead of the GPU`,
  async run(flags: ParsedFlags, { signal, progress }: CommandContext) {
    const values = readTableFlags(INIT_PARAMS, flags, ['cpu']);
    const config = validateInitConfig(values);
    if (switchFlag(flags, 'cpu')) {
      const start = performance.now();
      const result = initStats(config);
      return { config, adapter: adapterJson(undefined), timeMs: performance.now() - start, layers: result.layers };
    }
    const gpu = await openCliGpu();
    let engine: InitStatsEngine | undefined;
    try {
      engine = await InitStatsEngine.create(gpu.device);
      signal.throwIfAborted();
      progress.restart();
      progress.update(0, config.inits, 'initializations');
      const run = await engine.run(config, {
        signal,
        onProgress: ({ done, total }) => progress.update(done, total, 'initializations'),
        onWork: (share) => progress.share(share),
      });
      return { config, adapter: adapterJson(gpu), timeMs: run.timeMs, layers: run.result.layers };
    } finally {
      engine?.destroy();
      gpu.release();
    }
  },
};
