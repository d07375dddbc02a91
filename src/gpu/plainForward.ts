// The plain batched forward and the weight draw, timed (the init benchmark and the GPU view): the engine's own
// layerForward kernel as a plain batched matmul + φ, with the weights already in memory (drawn once, not per
// use), over `depth` layers of the config's shape for one chunk of inits. What the engine adds on top of it
// (drawing W from the generator, the backward pass and the statistics) is then the engine/plain ratio.
import { type InitConfig, validateInitConfig } from '../core/initConfig';
import { Stream, type StreamTag, streamKey } from '../core/rng';
import { createStorageBuffer } from './buffers';
import { INIT_KERNELS, InitDispatcher, type InitKernel } from './initKernels';
import type { InitStatsEngine } from './initStats';

export interface PlainForwardTime {
  /** The fastest wall time of the timed runs. */
  ms: number;
  /** Multiply-adds ×2 of one run. */
  flops: number;
  inits: number;
}

/** Times `repeats` runs (after one warm-up) on the engine's device, pipelines and chunk size. */
export async function timePlainForward(
  device: GPUDevice,
  engine: InitStatsEngine,
  rawConfig: InitConfig,
  repeats: number,
): Promise<PlainForwardTime> {
  const config = validateInitConfig({ ...rawConfig, inputWidth: rawConfig.width });
  // W from memory (the hardware family's layerForward loads it here instead of drawing it in place).
  const plan = engine.plan(config, undefined, false, false);
  const inits = plan.initsPerChunk;
  const { batchPadded, strides } = plan;
  const n = config.width;
  const ld = strides[1];
  const rows = plan.rowsPerBlock[1];
  if (rows < n) throw new Error('timePlainForward needs W of one layer to fit a binding');
  const pipelines = await engine.pipelinesFor(config, plan.batchTile, false);
  const counts = Object.fromEntries(INIT_KERNELS.map((kernel) => [kernel, 0])) as Record<InitKernel, number>;
  const dispatcher = new InitDispatcher(device, pipelines, counts);
  const activation = (name: string) => createStorageBuffer(device, name, inits * batchPadded * ld * 4);
  const [below, above, z] = ['plain a', 'plain a′', 'plain z'].map(activation);
  const weights = createStorageBuffer(device, 'plain W', inits * rows * ld * 4);
  const bias = createStorageBuffer(device, 'plain bias', inits * ld * 4);
  try {
    // Draw x and one W once; then every layer multiplies by that same W from memory.
    const encoder = device.createCommandEncoder({ label: 'plain setup' });
    const drawOnce = (target: GPUBuffer, tag: StreamTag, drawnRows: number, rowsPadded: number) => {
      const key1 = streamKey(tag, 1);
      const block = { seed: config.seed, key1, firstInit: 0, inits, rows: drawnRows, cols: n, rowOffset: 0, ld };
      dispatcher.draw(encoder, target, { ...block, rowsPadded, factor: 1 / Math.sqrt(n), draw: 'normal' });
    };
    drawOnce(below, Stream.inputs, config.batch, batchPadded);
    drawOnce(weights, Stream.weights, n, rows);
    device.queue.submit([encoder.finish()]);
    await device.queue.onSubmittedWorkDone();
    const shape = { inits, batch: config.batch, batchPadded, nIn: n, ldIn: ld, nOut: n, ldOut: ld, rowOffset: 0 };
    const runOnce = async () => {
      const forward = device.createCommandEncoder({ label: 'plain forward' });
      for (let l = 1; l <= config.depth; l++) {
        const [from, to] = l % 2 === 1 ? [below, above] : [above, below];
        const unused = { seed: 0, key1: 0, firstInit: 0, factor: 0 }; // W is loaded, not drawn
        dispatcher.forward(forward, { below: from, weights, bias, z, a: to }, { ...shape, rowsPadded: rows }, unused);
      }
      device.queue.submit([forward.finish()]);
      await device.queue.onSubmittedWorkDone();
    };
    await runOnce();
    const times: number[] = [];
    for (let i = 0; i < repeats; i++) {
      const start = performance.now();
      await runOnce();
      times.push(performance.now() - start);
    }
    return { ms: Math.min(...times), flops: 2 * config.batch * n * n * inits * config.depth, inits };
  } finally {
    dispatcher.release();
    for (const buffer of [below, above, z, weights, bias]) buffer.destroy();
  }
}

export interface WeightDrawTime {
  /** The fastest wall time of the timed runs. */
  ms: number;
  /** Weights drawn by one run. */
  weights: number;
}

/**
 * initWeights alone: one layer's W (n × n normals, the engine's factor) for one chunk of inits, drawn
 * `repeats` times after a warm-up; the rate the engine draws weights at (CPU twin: fillWeights).
 */
export async function timeWeightDraw(
  device: GPUDevice,
  engine: InitStatsEngine,
  rawConfig: InitConfig,
  repeats: number,
): Promise<WeightDrawTime> {
  const config = validateInitConfig({ ...rawConfig, inputWidth: rawConfig.width });
  const plan = engine.plan(config);
  const inits = plan.initsPerChunk;
  const n = config.width;
  const ld = plan.strides[1];
  const rows = plan.rowsPerBlock[1];
  if (rows < n) throw new Error('timeWeightDraw needs W of one layer to fit a binding');
  const pipelines = await engine.pipelinesFor(config, plan.batchTile);
  const counts = Object.fromEntries(INIT_KERNELS.map((kernel) => [kernel, 0])) as Record<InitKernel, number>;
  const dispatcher = new InitDispatcher(device, pipelines, counts);
  const weights = createStorageBuffer(device, 'draw-rate W', inits * rows * ld * 4);
  try {
    const drawOnce = async () => {
      const encoder = device.createCommandEncoder({ label: 'draw-rate initWeights' });
      const block = { seed: config.seed, key1: streamKey(Stream.weights, 1), firstInit: 0, inits, rows: n, cols: n };
      const factor = 1 / Math.sqrt(n);
      dispatcher.draw(encoder, weights, { ...block, rowOffset: 0, ld, rowsPadded: rows, factor, draw: 'normal' });
      device.queue.submit([encoder.finish()]);
      await device.queue.onSubmittedWorkDone();
    };
    await drawOnce();
    const times: number[] = [];
    for (let i = 0; i < repeats; i++) {
      const start = performance.now();
      await drawOnce();
      times.push(performance.now() - start);
    }
    return { ms: Math.min(...times), weights: inits * n * n };
  } finally {
    dispatcher.release();
    weights.destroy();
  }
}
