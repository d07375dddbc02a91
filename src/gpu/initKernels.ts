// The six kernels of the initialization engine (src/gpu/initStats.ts): their pipelines, from the
// pipeline cache, and InitDispatcher, which writes each dispatch's uniforms by field name (a buffer
// of its own, freed after the chunk) and records the dispatch in a labelled pass of its own (stamped
// when the run is timed per kernel).
import dWNormSource from '../../shaders/dWNorm.wgsl?raw';
import initWeightsSource from '../../shaders/initWeights.wgsl?raw';
import layerBackwardSource from '../../shaders/layerBackward.wgsl?raw';
import layerForwardSource from '../../shaders/layerForward.wgsl?raw';
import layerStatsSource from '../../shaders/layerStats.wgsl?raw';
import readoutDeltaSource from '../../shaders/readoutDelta.wgsl?raw';
import { ACTIVATION_CODES, type Activation } from '../core/activations';
import type { KernelFamily } from '../core/initConfig';
import { WEIGHT_DRAW_CODES, type WeightDraw } from '../core/schemes';
import { bindBuffers, dispatchSize2D, encodeComputePass, type WorkgroupCount, workgroupGrid } from './computePass';
import { hardwareBackwardSource, hardwareForwardSource } from './hardwareTiles';
import { layerWorkgroups, SOFTWARE_WORKGROUP } from './initPlan';
import type { KernelTimer } from './kernelTimer';
import {
  type BatchTile,
  backwardTileSource,
  forwardTileSource,
  SOFTWARE_BACKWARD_ENTRY,
  SOFTWARE_FORWARD_ENTRY,
} from './layerTiles';
import { PipelineCache } from './pipelineCache';
import { type CommonSnippet, composeShader } from './shaderSource';
import { type UniformValues, uniformLayout } from './wgslLayout';

const WORKGROUP_SIZE = SOFTWARE_WORKGROUP;
/** Element pairs one initWeights invocation draws (PAIRS in shaders/initWeights.wgsl). */
export const DRAW_PAIRS = 32;

export const INIT_KERNELS = [
  'initWeights',
  'layerForward',
  'layerBackward',
  'readoutDelta',
  'layerStats',
  'dWNorm',
] as const;
export type InitKernel = (typeof INIT_KERNELS)[number];

export interface InitPipelines {
  batchTile: BatchTile;
  /** Which layerForward / layerBackward were built (their dispatch shapes differ). */
  family: KernelFamily;
  /** The hardware family's layer kernels draw W themselves (FUSED_WEIGHTS); always false for software. */
  fusedWeights: boolean;
  /** By draw and row layout: both are override constants of shaders/initWeights.wgsl. */
  initWeights(draw: WeightDraw, contiguousRows: boolean): GPUComputePipeline;
  layerForward: GPUComputePipeline;
  layerBackward: GPUComputePipeline;
  readoutDelta: GPUComputePipeline;
  layerStats: GPUComputePipeline;
  dWNorm: GPUComputePipeline;
}

export interface InitPipelineOptions {
  activation: Activation;
  batchTile: BatchTile;
  family: KernelFamily;
  /** Hardware family: draw W inside the layer kernels (the engine) or load it (the plain forward benchmark). */
  fusedWeights: boolean;
  /** Workgroup size of layerStats and dWNorm. */
  reductionLanes: number;
  /** The draws initWeights must do (normal for x, b and g, and the scheme's). */
  draws: readonly WeightDraw[];
  /** The scheme's draw: the hardware family's layer kernels draw W by it when fusedWeights. */
  weightDraw: WeightDraw;
}

/** The pipelines of one configuration's kernels (built once per device, src/gpu/pipelineCache.ts). */
export async function initPipelines(device: GPUDevice, options: InitPipelineOptions): Promise<InitPipelines> {
  const { activation, batchTile, reductionLanes, family } = options;
  const fusedWeights = family === 'hardware' && options.fusedWeights;
  const cache = PipelineCache.of(device);
  const build = (name: InitKernel, source: string, snippets: CommonSnippet[], constants: Record<string, number>) =>
    cache.pipeline({
      label: `${name} (${activation}${name.startsWith('layer') ? `, ${family}` : ''})`,
      module: name,
      code: composeShader(source, snippets),
      entryPoint: name,
      constants,
    });
  const sized = { WORKGROUP_SIZE, ACTIVATION: ACTIVATION_CODES[activation] };
  // The hardware family's workgroup size is fixed (its tiles assume 64 invocations): no override; it draws
  // W by the scheme's kind where fused.
  const hardware = family === 'hardware';
  const layerConstants = hardware
    ? {
        ACTIVATION: ACTIVATION_CODES[activation],
        DRAW_KIND: WEIGHT_DRAW_CODES[options.weightDraw],
        FUSED_WEIGHTS: fusedWeights ? 1 : 0,
        NATIVE_SHIFTS: 1, // GPUs shift natively; the words are the same (shaders/common/rng.wgsl)
      }
    : sized;
  const layerSnippets: CommonSnippet[] = hardware ? ['rng', 'draws', 'activations'] : ['activations'];
  const forwardTile = hardware
    ? hardwareForwardSource(batchTile)
    : `${SOFTWARE_FORWARD_ENTRY}\n${forwardTileSource(batchTile)}`;
  const backwardTile = hardware
    ? hardwareBackwardSource(batchTile)
    : `${SOFTWARE_BACKWARD_ENTRY}\n${backwardTileSource(batchTile)}`;
  const drawKeys = [...new Set(options.draws)].flatMap((draw) => [false, true].map((rows) => ({ draw, rows })));
  const drawCode = composeShader(initWeightsSource, ['rng', 'draws']);
  const [layerForward, layerBackward, readoutDelta, layerStats, dWNorm, ...draws] = await Promise.all([
    build('layerForward', `${layerForwardSource}\n${forwardTile}`, layerSnippets, layerConstants),
    build('layerBackward', `${layerBackwardSource}\n${backwardTile}`, layerSnippets, layerConstants),
    build('readoutDelta', readoutDeltaSource, ['activations'], sized),
    build('layerStats', layerStatsSource, [], { WORKGROUP: reductionLanes }),
    build('dWNorm', dWNormSource, [], { WORKGROUP: reductionLanes }),
    ...drawKeys.map(({ draw, rows }) =>
      cache.pipeline({
        label: `initWeights (${draw}${rows ? ', contiguous rows' : ''})`,
        code: drawCode,
        entryPoint: 'initWeights',
        constants: { WORKGROUP_SIZE, DRAW_KIND: WEIGHT_DRAW_CODES[draw], CONTIGUOUS_ROWS: rows ? 1 : 0 },
      }),
    ),
  ]);
  const initWeights = (draw: WeightDraw, contiguousRows: boolean) => {
    const index = drawKeys.findIndex((key) => key.draw === draw && key.rows === contiguousRows);
    if (index < 0) throw new Error(`no initWeights pipeline for the ${draw} draw`);
    return draws[index];
  };
  return {
    batchTile,
    family,
    fusedWeights,
    initWeights,
    layerForward,
    layerBackward,
    readoutDelta,
    layerStats,
    dWNorm,
  };
}

/** One block of rows of a stream drawn into a matrix [init][row][ld] (the fields of DrawParams, but rowStride). */
export interface DrawBlock {
  seed: number;
  key1: number;
  firstInit: number;
  inits: number;
  rows: number;
  cols: number;
  rowOffset: number;
  ld: number;
  rowsPadded: number;
  /** Constant c, normal std or uniform bound r. */
  factor: number;
  draw: WeightDraw;
}

/** The stream of W[l] for the layer kernels that draw it in place (ignored by those that load it). */
export interface WeightStream {
  seed: number;
  key1: number;
  firstInit: number;
  factor: number;
}

/** The shape fields of a layerForward dispatch (LayerParams, but rowStride and the stream). */
export interface ForwardShape {
  inits: number;
  batch: number;
  batchPadded: number;
  nIn: number;
  ldIn: number;
  nOut: number;
  ldOut: number;
  rowOffset: number;
  rowsPadded: number;
}

/** The fields of a layerBackward dispatch (BackwardParams, but rowStride and the stream). */
export interface BackwardShape {
  inits: number;
  nOut: number;
  batch: number;
  batchPadded: number;
  nIn: number;
  ldIn: number;
  ldOut: number;
  rowOffset: number;
  rowsPadded: number;
  accumulate: number;
  finalize: number;
}

/** Records the engine's dispatches, each with its own uniform buffer, kept until release(). */
export class InitDispatcher {
  private readonly uniforms: GPUBuffer[] = [];

  constructor(
    private readonly device: GPUDevice,
    private readonly pipelines: InitPipelines,
    /** Dispatches per kernel, counted up (the engine's, reset per run). */
    private readonly counts: Record<InitKernel, number>,
    private readonly timer?: KernelTimer,
  ) {}

  /** initWeights: the block's elements, one Threefry call per pair, DRAW_PAIRS pairs per invocation. */
  draw(encoder: GPUCommandEncoder, target: GPUBuffer, block: DrawBlock): void {
    const { draw, ...fields } = block;
    const first = block.rowOffset * block.cols;
    const last = first + block.rows * block.cols;
    const pairs = ((last - 1) >> 1) - (first >> 1) + 1;
    const workgroups = dispatchSize2D(this.device, Math.ceil(pairs / DRAW_PAIRS) * block.inits, WORKGROUP_SIZE);
    // Rows back to back, whole vec4 groups: the kernel's CONTIGUOUS_ROWS path relies on both.
    const contiguousRows = block.ld === block.cols && block.cols % 16 === 0;
    const pipeline = this.pipelines.initWeights(draw, contiguousRows);
    const values = { ...fields, rowStride: workgroups.rowStride };
    this.dispatch(encoder, 'initWeights', pipeline, initWeightsSource, values, [target], workgroups);
  }

  /** layerForward: z = a·Wᵀ + b and a = φ(z) for one block of weight rows. */
  forward(
    encoder: GPUCommandEncoder,
    buffers: { below: GPUBuffer; weights: GPUBuffer; bias: GPUBuffer; z: GPUBuffer; a: GPUBuffer },
    shape: ForwardShape,
    stream: WeightStream,
  ): void {
    const workgroups = this.layerGrid(shape, shape.rowsPadded);
    const values = { ...shape, ...stream, rowStride: workgroups.rowStride };
    const { below, weights, bias, z, a } = buffers;
    const resources = [below, weights, bias, z, a];
    this.dispatch(
      encoder,
      'layerForward',
      this.pipelines.layerForward,
      layerForwardSource,
      values,
      resources,
      workgroups,
    );
  }

  /** layerBackward: δ[l−1] = (δ[l]·W) ⊙ φ'(z[l−1]) over one block of weight rows. */
  backward(
    encoder: GPUCommandEncoder,
    buffers: { deltaAbove: GPUBuffer; weights: GPUBuffer; zBelow: GPUBuffer; deltaBelow: GPUBuffer },
    shape: BackwardShape,
    stream: WeightStream,
  ): void {
    const workgroups = this.layerGrid(shape, shape.ldIn);
    const values = { ...shape, ...stream, rowStride: workgroups.rowStride };
    const { deltaAbove, weights, zBelow, deltaBelow } = buffers;
    const resources = [deltaAbove, weights, zBelow, deltaBelow];
    const { layerBackward } = this.pipelines;
    this.dispatch(encoder, 'layerBackward', layerBackward, layerBackwardSource, values, resources, workgroups);
  }

  /** readoutDelta: δ[L] = g ⊙ φ'(z[L]) in place, over `count` vec4s. */
  readout(encoder: GPUCommandEncoder, buffers: { zTop: GPUBuffer; deltaTop: GPUBuffer }, count: number): void {
    const workgroups = dispatchSize2D(this.device, count, WORKGROUP_SIZE);
    const values = { count, rowStride: workgroups.rowStride };
    const { readoutDelta } = this.pipelines;
    const resources = [buffers.zTop, buffers.deltaTop];
    this.dispatch(encoder, 'readoutDelta', readoutDelta, readoutDeltaSource, values, resources, workgroups);
  }

  /** layerStats: one record and histogram per (init, slice); `fields` are StatsParams but groupsX. */
  statistics(
    encoder: GPUCommandEncoder,
    buffers: { values: GPUBuffer; records: GPUBuffer; histograms: GPUBuffer },
    fields: UniformValues & { inits: number; slices: number },
  ): void {
    const workgroups = workgroupGrid(this.device, fields.inits * fields.slices);
    const values = { ...fields, groupsX: workgroups.x };
    const resources = [buffers.values, buffers.records, buffers.histograms];
    const { layerStats } = this.pipelines;
    this.dispatch(encoder, 'layerStats', layerStats, layerStatsSource, values, resources, workgroups);
  }

  /** dWNorm: one partial of ‖Σ_b δ_b a_bᵀ‖² per workgroup; `fields` are NormParams but groupsX. */
  weightNorm(
    encoder: GPUCommandEncoder,
    buffers: { delta: GPUBuffer; below: GPUBuffer; partials: GPUBuffer },
    fields: UniformValues & { inits: number; groupsPerInit: number },
  ): void {
    const workgroups = workgroupGrid(this.device, fields.inits * fields.groupsPerInit);
    const values = { ...fields, groupsX: workgroups.x };
    const resources = [buffers.delta, buffers.below, buffers.partials];
    this.dispatch(encoder, 'dWNorm', this.pipelines.dWNorm, dWNormSource, values, resources, workgroups);
  }

  /**
   * The grid of a layerForward (over the block's rows) or layerBackward (over δ[l−1]'s columns) dispatch:
   * software, one invocation per BATCH_TILE × 16 tile (rowStride counts invocations); hardware, one
   * workgroup per BATCH_TILE × 64 block (rowStride counts workgroups).
   */
  private layerGrid(shape: { inits: number; batchPadded: number }, units: number) {
    const { batchTile, family } = this.pipelines;
    const workgroups = layerWorkgroups(family, { ...shape, batchTile, units });
    if (family === 'software') return dispatchSize2D(this.device, workgroups * WORKGROUP_SIZE, WORKGROUP_SIZE);
    const grid = workgroupGrid(this.device, workgroups);
    return { ...grid, rowStride: grid.x };
  }

  /** Frees the uniform buffers of the dispatches recorded so far (once their work is submitted). */
  release(): void {
    for (const buffer of this.uniforms.splice(0)) buffer.destroy();
  }

  private dispatch(
    encoder: GPUCommandEncoder,
    kernel: InitKernel,
    pipeline: GPUComputePipeline,
    source: string,
    values: UniformValues,
    resources: readonly GPUBuffer[],
    workgroups: WorkgroupCount,
  ): void {
    const { device, timer } = this;
    const params = uniformLayout(source).createBuffer(device, `${kernel} params`, values);
    this.uniforms.push(params);
    const bindGroup = bindBuffers(device, `${kernel} bind group`, pipeline, [params, ...resources]);
    const timing = timer ? { timer, kernel } : undefined;
    encodeComputePass(encoder, `${kernel} pass`, [{ pipeline, bindGroups: [bindGroup], workgroups }], timing);
    this.counts[kernel]++;
  }
}
