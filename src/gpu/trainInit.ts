// GPU runner of shaders/trainInit.wgsl; CPU twin: trainInit in src/core/trainInit.ts.
import trainInitSource from '../../shaders/trainInit.wgsl?raw';
import { type Scheme, WEIGHT_DRAW_CODES, weightDraw } from '../core/schemes';
import { type InitCells, TRAIN_LAYER_BASE, trainInitFactors } from '../core/trainInit';
import { MAX_TRAIN_LAYERS, type TrainLayout } from '../core/trainLayout';
import { createStorageBuffer, createUniformBuffer } from './buffers';
import { bindBuffers, dispatchSize2D, encodeComputePass } from './computePass';
import { cachedPipeline } from './pipelineCache';
import { composeTrainShader } from './trainShaders';
import { uniformLayout } from './wgslLayout';

const WORKGROUP_SIZE = 64;

export interface TrainInitSettings {
  layout: TrainLayout;
  scheme: Scheme;
  scale: number;
  biasStd: number;
  seed: number;
  copies: number;
  /** Cells of copies with a weight scale each (common draws); absent: one cell of all copies, scale 1. */
  cells?: InitCells;
}

export class TrainInitKernel {
  private constructor(
    readonly device: GPUDevice,
    private readonly pipeline: GPUComputePipeline,
    private readonly params: GPUBuffer,
    private readonly factors: GPUBuffer,
    /** One f32 per cell; grown when a run has more cells. */
    private cellScales: GPUBuffer,
  ) {}

  static async create(device: GPUDevice): Promise<TrainInitKernel> {
    const pipeline = await cachedPipeline(device, {
      label: 'trainInit',
      code: composeTrainShader(trainInitSource, { layout: true, forward: false, snippets: ['rng'] }),
      entryPoint: 'trainInit',
      constants: { WORKGROUP_SIZE },
    });
    const params = createUniformBuffer(device, 'trainInit params', uniformLayout(trainInitSource).byteLength);
    const factors = createStorageBuffer(device, 'trainInit factors', 4 * (MAX_TRAIN_LAYERS + 1));
    const cellScales = createStorageBuffer(device, 'trainInit cell scales', 4);
    return new TrainInitKernel(device, pipeline, params, factors, cellScales);
  }

  /**
   * Records the dispatch that fills `weights` (K·P) with the initial parameters of every copy.
   * Writes the uniforms now (queue order): submit before encoding the next init.
   */
  encode(encoder: GPUCommandEncoder, layoutTable: GPUBuffer, weights: GPUBuffer, settings: TrainInitSettings): void {
    const { device, pipeline, params, factors } = this;
    const { layout, copies } = settings;
    const cells = settings.cells ?? { copies, scales: [1] };
    if (cells.copies * cells.scales.length !== copies)
      throw new RangeError(`trainInit: ${cells.scales.length} cells of ${cells.copies} copies are not K = ${copies}`);
    if (this.cellScales.size < 4 * cells.scales.length) {
      this.cellScales.destroy();
      this.cellScales = createStorageBuffer(device, 'trainInit cell scales', 4 * cells.scales.length);
    }
    device.queue.writeBuffer(this.cellScales, 0, Float32Array.from(cells.scales));
    const workgroups = dispatchSize2D(device, copies * layout.paramCount, WORKGROUP_SIZE);
    uniformLayout(trainInitSource).write(device, params, {
      seed: settings.seed,
      copies,
      paramCount: layout.paramCount,
      layerCount: layout.layerCount,
      layerBase: TRAIN_LAYER_BASE,
      draw: WEIGHT_DRAW_CODES[weightDraw(settings.scheme)],
      biasStd: settings.biasStd,
      rowStride: workgroups.rowStride,
      cellCopies: cells.copies,
    });
    device.queue.writeBuffer(factors, 0, Float32Array.from(trainInitFactors(layout, settings.scheme, settings.scale)));
    const bindGroup = bindBuffers(device, 'trainInit bind group', pipeline, [
      params,
      layoutTable,
      factors,
      weights,
      this.cellScales,
    ]);
    encodeComputePass(encoder, 'trainInit pass', [{ pipeline, bindGroups: [bindGroup], workgroups }]);
  }

  destroy(): void {
    this.params.destroy();
    this.factors.destroy();
    this.cellScales.destroy();
  }
}
