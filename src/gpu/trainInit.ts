// GPU runner of shaders/trainInit.wgsl; CPU twin: trainInit in src/core/trainInit.ts.
import trainInitSource from '../../shaders/trainInit.wgsl?raw';
import { type Scheme, WEIGHT_DRAW_CODES, weightDraw } from '../core/schemes';
import { TRAIN_LAYER_BASE, trainInitFactors } from '../core/trainInit';
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
}

export class TrainInitKernel {
  private constructor(
    readonly device: GPUDevice,
    private readonly pipeline: GPUComputePipeline,
    private readonly params: GPUBuffer,
    private readonly factors: GPUBuffer,
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
    return new TrainInitKernel(device, pipeline, params, factors);
  }

  /**
   * Records the dispatch that fills `weights` (K·P) with the initial parameters of every copy.
   * Writes the uniforms now (queue order): submit before encoding the next init.
   */
  encode(encoder: GPUCommandEncoder, layoutTable: GPUBuffer, weights: GPUBuffer, settings: TrainInitSettings): void {
    const { device, pipeline, params, factors } = this;
    const { layout, copies } = settings;
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
    });
    device.queue.writeBuffer(factors, 0, Float32Array.from(trainInitFactors(layout, settings.scheme, settings.scale)));
    const bindGroup = bindBuffers(device, 'trainInit bind group', pipeline, [params, layoutTable, factors, weights]);
    encodeComputePass(encoder, 'trainInit pass', [{ pipeline, bindGroups: [bindGroup], workgroups }]);
  }

  destroy(): void {
    this.params.destroy();
    this.factors.destroy();
  }
}
