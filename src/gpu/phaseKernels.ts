// The kernels of the phase-diagram engine (src/gpu/phaseEngine.ts): their pipelines, from the pipeline
// cache, and PhaseDispatcher, which writes each dispatch's uniforms by field name (a buffer of its own,
// freed after the chunk) and records it in a labelled pass. The draws are initWeights' (standard normals
// of copy k, factor 1); the matrix tiles are layerForward's and layerBackward's (src/gpu/layerTiles.ts)
// with W indexed by the copy of an init, so the cells of a copy share one drawn W.
import initWeightsSource from '../../shaders/initWeights.wgsl?raw';
import phaseBackwardSource from '../../shaders/phaseBackward.wgsl?raw';
import phaseForwardSource from '../../shaders/phaseForward.wgsl?raw';
import phaseInputsSource from '../../shaders/phaseInputs.wgsl?raw';
import phaseReadoutSource from '../../shaders/phaseReadout.wgsl?raw';
import phaseStatsSource from '../../shaders/phaseStats.wgsl?raw';
import { ACTIVATION_CODES, type Activation } from '../core/activations';
import { WEIGHT_DRAW_CODES } from '../core/schemes';
import { bindBuffers, dispatchSize2D, encodeComputePass, type WorkgroupCount, workgroupGrid } from './computePass';
import { DRAW_PAIRS, type DrawBlock } from './initKernels';
import { type BatchTile, backwardTileSource, forwardTileSource, UNIT_TILE } from './layerTiles';
import { PipelineCache } from './pipelineCache';
import { type CommonSnippet, composeShader } from './shaderSource';
import { type RecordLayout, recordLayout, type UniformValues, uniformLayout } from './wgslLayout';

const WORKGROUP_SIZE = 64;
/** Workgroup size of phaseStats: WORKGROUP_SIZE / LANES inits per workgroup. */
const STATS_WORKGROUP = 64;

/**
 * Invocations per init of phaseStats (LANES, a power of two ≤ 64) for `values` values of z per init: on a
 * GPU about 64 values per lane; on a software adapter 1 lane up to 4096 values (its barriers cost more
 * than the sums there), then up to 16.
 */
export function statsLanes(values: number, software: boolean): number {
  const perLane = software ? 4096 : 64;
  const lanes = 2 ** Math.ceil(Math.log2(Math.max(1, values / perLane)));
  return Math.min(software ? 16 : STATS_WORKGROUP, lanes);
}

export const PHASE_KERNELS = [
  'initWeights',
  'phaseInputs',
  'phaseForward',
  'phaseReadout',
  'phaseBackward',
  'phaseStats',
] as const;
export type PhaseKernel = (typeof PHASE_KERNELS)[number];

/** The record phaseStats writes per (init, layer), read back by field name. */
export function phaseRecordLayout(): RecordLayout {
  return recordLayout(phaseStatsSource, 'PhaseRecord');
}

export interface PhasePipelines {
  batchTile: BatchTile;
  statsLanes: number;
  /** initWeights' normal draw, by row layout (contiguous rows: ld = cols, a multiple of 16). */
  draw(contiguousRows: boolean): GPUComputePipeline;
  phaseInputs: GPUComputePipeline;
  phaseForward: GPUComputePipeline;
  phaseReadout: GPUComputePipeline;
  phaseBackward: GPUComputePipeline;
  phaseStats: GPUComputePipeline;
}

/** W of an init is its copy's: kc = cellInChunk · copies + copyInChunk. */
const SHARED_WEIGHTS = { weights: 'kc % params.copies' };

export async function phasePipelines(
  device: GPUDevice,
  options: { activation: Activation; batchTile: BatchTile; statsLanes: number },
): Promise<PhasePipelines> {
  const { activation, batchTile, statsLanes } = options;
  const cache = PipelineCache.of(device);
  const build = (name: PhaseKernel, source: string, snippets: CommonSnippet[], constants: Record<string, number>) =>
    cache.pipeline({
      label: `${name} (${activation})`,
      module: name,
      code: composeShader(source, snippets),
      entryPoint: name,
      constants,
    });
  const sized = { WORKGROUP_SIZE, ACTIVATION: ACTIVATION_CODES[activation] };
  const below = { ...SHARED_WEIGHTS, below: 'below_of(kc)' };
  const drawCode = composeShader(initWeightsSource, ['rng', 'draws']);
  const draws = [false, true].map((rows) =>
    cache.pipeline({
      label: `initWeights (normal${rows ? ', contiguous rows' : ''})`,
      code: drawCode,
      entryPoint: 'initWeights',
      constants: { WORKGROUP_SIZE, DRAW_KIND: WEIGHT_DRAW_CODES.normal, CONTIGUOUS_ROWS: rows ? 1 : 0 },
    }),
  );
  const [phaseInputs, phaseForward, phaseReadout, phaseBackward, phaseStats, scattered, contiguous] = await Promise.all(
    [
      build('phaseInputs', phaseInputsSource, [], { WORKGROUP_SIZE }),
      build('phaseForward', `${phaseForwardSource}\n${forwardTileSource(batchTile, below)}`, ['activations'], sized),
      build('phaseReadout', phaseReadoutSource, ['activations'], sized),
      build(
        'phaseBackward',
        `${phaseBackwardSource}\n${backwardTileSource(batchTile, SHARED_WEIGHTS)}`,
        ['activations'],
        sized,
      ),
      build('phaseStats', phaseStatsSource, [], { WORKGROUP: STATS_WORKGROUP, LANES: statsLanes }),
      ...draws,
    ],
  );
  const draw = (contiguousRows: boolean) => (contiguousRows ? contiguous : scattered);
  return { batchTile, statsLanes, draw, phaseInputs, phaseForward, phaseReadout, phaseBackward, phaseStats };
}

/** The shape of a chunk that every matrix kernel takes. */
export interface PhaseShape {
  /** Inits of the chunk: cells × copies. */
  inits: number;
  copies: number;
  firstCell: number;
  /** Input rows 2B. */
  rows: number;
  /** The rows padded to whole batch tiles. */
  batchPadded: number;
  n: number;
  ld: number;
}

/** Records the engine's dispatches, each with its own uniform buffer, kept until release(). */
export class PhaseDispatcher {
  private readonly uniforms: GPUBuffer[] = [];

  constructor(
    private readonly device: GPUDevice,
    private readonly pipelines: PhasePipelines,
    /** Dispatches per kernel, counted up (the engine's, reset per run). */
    private readonly counts: Record<PhaseKernel, number>,
  ) {}

  /** initWeights: standard normals of one stream for the block's copies (firstInit = the first copy). */
  draw(encoder: GPUCommandEncoder, target: GPUBuffer, block: Omit<DrawBlock, 'draw' | 'factor'>): void {
    const first = block.rowOffset * block.cols;
    const last = first + block.rows * block.cols;
    const pairs = ((last - 1) >> 1) - (first >> 1) + 1;
    const workgroups = dispatchSize2D(this.device, Math.ceil(pairs / DRAW_PAIRS) * block.inits, WORKGROUP_SIZE);
    // The same rule as InitDispatcher.draw: rows back to back, whole vec4 groups.
    const pipeline = this.pipelines.draw(block.ld === block.cols && block.cols % 16 === 0);
    const values = { ...block, factor: 1, rowStride: workgroups.rowStride };
    this.dispatch(encoder, 'initWeights', pipeline, initWeightsSource, values, [target], workgroups);
  }

  /** phaseInputs: x₂ = c₀ x₁ + √(1 − c₀²) ξ in place, per copy. */
  inputs(encoder: GPUCommandEncoder, inputs: GPUBuffer, shape: PhaseShape, c0: number): void {
    const pairs = shape.rows / 2;
    const workgroups = dispatchSize2D(this.device, shape.copies * pairs * shape.n, WORKGROUP_SIZE);
    const values = {
      copies: shape.copies,
      pairs,
      batchPadded: shape.batchPadded,
      n: shape.n,
      ld: shape.ld,
      c0,
      mix: Math.sqrt(Math.max(0, 1 - c0 * c0)),
      rowStride: workgroups.rowStride,
    };
    const { phaseInputs } = this.pipelines;
    this.dispatch(encoder, 'phaseInputs', phaseInputs, phaseInputsSource, values, [inputs], workgroups);
  }

  /** phaseForward: z[l] and a[l] of every init from a[l−1] (the copy's at layer 1). */
  forward(
    encoder: GPUCommandEncoder,
    buffers: {
      below: GPUBuffer;
      weights: GPUBuffer;
      bias: GPUBuffer;
      cellScales: GPUBuffer;
      z: GPUBuffer;
      a: GPUBuffer;
    },
    shape: PhaseShape,
    belowPerCopy: boolean,
  ): void {
    const { batchTile } = this.pipelines;
    const tiles = shape.inits * (shape.batchPadded / batchTile) * (shape.ld / UNIT_TILE);
    const workgroups = dispatchSize2D(this.device, tiles, WORKGROUP_SIZE);
    const values = {
      ...this.matrixFields(shape),
      nOut: shape.n,
      belowPerCopy: belowPerCopy ? 1 : 0,
      rowStride: workgroups.rowStride,
    };
    const { below, weights, bias, cellScales, z, a } = buffers;
    const { phaseForward } = this.pipelines;
    const resources = [below, weights, bias, cellScales, z, a];
    this.dispatch(encoder, 'phaseForward', phaseForward, phaseForwardSource, values, resources, workgroups);
  }

  /** phaseReadout: δ[L] = g ⊙ φ'(z[L]), g the copy's. */
  readout(
    encoder: GPUCommandEncoder,
    buffers: { readout: GPUBuffer; zTop: GPUBuffer; deltaTop: GPUBuffer },
    shape: PhaseShape,
  ): void {
    const perInit = (shape.batchPadded * shape.ld) / 4;
    const count = shape.inits * perInit;
    const workgroups = dispatchSize2D(this.device, count, WORKGROUP_SIZE);
    const values = { count, perInit, copies: shape.copies, rowStride: workgroups.rowStride };
    const resources = [buffers.readout, buffers.zTop, buffers.deltaTop];
    const { phaseReadout } = this.pipelines;
    this.dispatch(encoder, 'phaseReadout', phaseReadout, phaseReadoutSource, values, resources, workgroups);
  }

  /** phaseBackward: δ[l−1] = (σ_w/√n) (Wᵀ δ[l]) ⊙ φ'(z[l−1]). */
  backward(
    encoder: GPUCommandEncoder,
    buffers: {
      deltaAbove: GPUBuffer;
      weights: GPUBuffer;
      cellScales: GPUBuffer;
      zBelow: GPUBuffer;
      deltaBelow: GPUBuffer;
    },
    shape: PhaseShape,
  ): void {
    const { batchTile } = this.pipelines;
    const tiles = shape.inits * (shape.batchPadded / batchTile) * (shape.ld / UNIT_TILE);
    const workgroups = dispatchSize2D(this.device, tiles, WORKGROUP_SIZE);
    const values = { ...this.matrixFields(shape), nIn: shape.n, rowStride: workgroups.rowStride };
    const { deltaAbove, weights, cellScales, zBelow, deltaBelow } = buffers;
    const resources = [deltaAbove, weights, cellScales, zBelow, deltaBelow];
    const { phaseBackward } = this.pipelines;
    this.dispatch(encoder, 'phaseBackward', phaseBackward, phaseBackwardSource, values, resources, workgroups);
  }

  /** phaseStats: the record of every init at layer l from z[l] and δ[l]. */
  statistics(
    encoder: GPUCommandEncoder,
    buffers: { z: GPUBuffer; delta: GPUBuffer; records: GPUBuffer },
    shape: PhaseShape,
    l: number,
    depth: number,
  ): void {
    const initsPerGroup = STATS_WORKGROUP / this.pipelines.statsLanes;
    const workgroups = workgroupGrid(this.device, Math.ceil(shape.inits / initsPerGroup));
    const values = {
      inits: shape.inits,
      pairs: shape.rows / 2,
      batchPadded: shape.batchPadded,
      n: shape.n,
      ld: shape.ld,
      depth,
      layer: l - 1,
      groupsX: workgroups.x,
    };
    const resources = [buffers.z, buffers.delta, buffers.records];
    const { phaseStats } = this.pipelines;
    this.dispatch(encoder, 'phaseStats', phaseStats, phaseStatsSource, values, resources, workgroups);
  }

  /** Frees the uniform buffers of the dispatches recorded so far (once their work is submitted). */
  release(): void {
    for (const buffer of this.uniforms.splice(0)) buffer.destroy();
  }

  /** The fields phaseForward and phaseBackward share (the tiles read ldIn, ldOut, rowOffset, rowsPadded). */
  private matrixFields(shape: PhaseShape) {
    return {
      inits: shape.inits,
      copies: shape.copies,
      firstCell: shape.firstCell,
      batch: shape.rows,
      batchPadded: shape.batchPadded,
      ldIn: shape.ld,
      ldOut: shape.ld,
      rowOffset: 0,
      rowsPadded: shape.ld,
    };
  }

  private dispatch(
    encoder: GPUCommandEncoder,
    kernel: PhaseKernel,
    pipeline: GPUComputePipeline,
    source: string,
    values: UniformValues,
    resources: readonly GPUBuffer[],
    workgroups: WorkgroupCount,
  ): void {
    const params = uniformLayout(source).createBuffer(this.device, `${kernel} params`, values);
    this.uniforms.push(params);
    const bindGroup = bindBuffers(this.device, `${kernel} bind group`, pipeline, [params, ...resources]);
    encodeComputePass(encoder, `${kernel} pass`, [{ pipeline, bindGroups: [bindGroup], workgroups }]);
    this.counts[kernel]++;
  }
}
