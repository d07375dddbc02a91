// GPU runner of shaders/trainInit.wgsl; CPU twin: trainInit in src/core/trainInit.ts.
import trainInitSource from '../../shaders/trainInit.wgsl?raw';
import { isUniformScheme, type Scheme } from '../core/schemes';
import { TRAIN_LAYER_BASE, trainInitFactors } from '../core/trainInit';
import { MAX_TRAIN_LAYERS, type TrainLayout } from '../core/trainLayout';
import { createStorageBuffer, createUniformBuffer, dispatchSize2D } from './buffers';
import { compileShader, kernelPipeline } from './shaderSource';
import { composeTrainShader } from './trainShaders';
import { packScalarStruct, scalarStruct } from './wgslStruct';

const WORKGROUP_SIZE = 64;
const PARAMS = scalarStruct(trainInitSource, 'TrainInitParams');

export interface TrainInitSettings {
  layout: TrainLayout;
  scheme: Scheme;
  scale: number;
  biasStd: number;
  seed: number;
  copies: number;
}

function drawCode(scheme: Scheme): number {
  if (scheme === 'zeros') return 0;
  if (scheme === 'constant') return 1;
  return isUniformScheme(scheme) ? 3 : 2;
}

export class TrainInitKernel {
  private constructor(
    readonly device: GPUDevice,
    private readonly pipeline: GPUComputePipeline,
    private readonly params: GPUBuffer,
    private readonly factors: GPUBuffer,
  ) {}

  static async create(device: GPUDevice): Promise<TrainInitKernel> {
    const module = await compileShader(
      device,
      'trainInit',
      composeTrainShader(trainInitSource, { layout: true, forward: false, snippets: ['rng'] }),
    );
    const pipeline = await kernelPipeline(device, module, 'trainInit', { WORKGROUP_SIZE });
    const params = createUniformBuffer(device, 'trainInit params', PARAMS.byteLength);
    const factors = createStorageBuffer(device, 'trainInit factors', 4 * (MAX_TRAIN_LAYERS + 1));
    return new TrainInitKernel(device, pipeline, params, factors);
  }

  /**
   * Records the dispatch that fills `weights` (K·P) with the initial parameters of every copy.
   * Writes the uniforms now (queue order): submit before encoding the next init.
   */
  encode(encoder: GPUCommandEncoder, layoutTable: GPUBuffer, weights: GPUBuffer, settings: TrainInitSettings): void {
    const { device, params, factors } = this;
    const { layout, copies } = settings;
    const dispatch = dispatchSize2D(device, copies * layout.paramCount, WORKGROUP_SIZE);
    device.queue.writeBuffer(
      params,
      0,
      packScalarStruct(PARAMS, {
        seed: settings.seed,
        copies,
        paramCount: layout.paramCount,
        layerCount: layout.layerCount,
        layerBase: TRAIN_LAYER_BASE,
        draw: drawCode(settings.scheme),
        biasStd: settings.biasStd,
        rowStride: dispatch.rowStride,
      }),
    );
    device.queue.writeBuffer(factors, 0, Float32Array.from(trainInitFactors(layout, settings.scheme, settings.scale)));
    const bindGroup = device.createBindGroup({
      label: 'trainInit bind group',
      layout: this.pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: params } },
        { binding: 1, resource: { buffer: layoutTable } },
        { binding: 2, resource: { buffer: factors } },
        { binding: 3, resource: { buffer: weights } },
      ],
    });
    const pass = encoder.beginComputePass({ label: 'trainInit pass' });
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(dispatch.x, dispatch.y);
    pass.end();
  }

  destroy(): void {
    this.params.destroy();
    this.factors.destroy();
  }
}
