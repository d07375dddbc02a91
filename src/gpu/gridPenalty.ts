// GPU runner of shaders/gridPenalty.wgsl; CPU twin: gridPenalty in src/core/gridLoss.ts.
// J + λ·P on the grid from a gridLoss buffer, into a separate buffer (the cheap pass of a λ change).
import gridPenaltySource from '../../shaders/gridPenalty.wgsl?raw';
import { type GridWindow, type Penalty, penaltyWeights } from '../core/gridLoss';
import { createStorageBuffer, createUniformBuffer, poisonBuffer, readBuffer } from './buffers';
import { bindBuffers, dispatchSize2D, encodeComputePass } from './computePass';
import { cachedPipeline } from './pipelineCache';
import { composeShader } from './shaderSource';
import { uniformLayout } from './wgslLayout';

const WORKGROUP_SIZE = 64;

export interface GridPenaltyShape {
  window: GridWindow;
  G: number;
  penalty: Penalty;
  lambda: number;
  mix: number;
}

/** One bound dispatch: its own uniform buffer and bind group over (dataLoss, penalized). */
export class GridPenaltyPass {
  constructor(
    private readonly kernel: GridPenaltyKernel,
    private readonly params: GPUBuffer,
    private readonly bindGroup: GPUBindGroup,
  ) {}

  /** Writes the uniforms now (queue order: before the encoder is submitted) and records the dispatch. */
  encode(encoder: GPUCommandEncoder, shape: GridPenaltyShape): void {
    const { device, pipeline } = this.kernel;
    const { window, G, penalty, lambda, mix } = shape;
    const { l1, l2 } = penaltyWeights(penalty, lambda, mix);
    const workgroups = dispatchSize2D(device, G * G, WORKGROUP_SIZE);
    uniformLayout(gridPenaltySource).write(device, this.params, {
      w1Min: window.w1Min,
      w1Step: (window.w1Max - window.w1Min) / (G - 1),
      w2Min: window.w2Min,
      w2Step: (window.w2Max - window.w2Min) / (G - 1),
      G,
      rowStride: workgroups.rowStride,
      l1,
      l2,
    });
    encodeComputePass(encoder, `gridPenalty ${penalty} pass`, [{ pipeline, bindGroups: [this.bindGroup], workgroups }]);
  }

  destroy(): void {
    this.params.destroy();
  }
}

export class GridPenaltyKernel {
  private constructor(
    readonly device: GPUDevice,
    readonly pipeline: GPUComputePipeline,
  ) {}

  static async create(device: GPUDevice): Promise<GridPenaltyKernel> {
    const pipeline = await cachedPipeline(device, {
      label: 'gridPenalty',
      code: composeShader(gridPenaltySource, []),
      entryPoint: 'gridPenalty',
      constants: { WORKGROUP_SIZE },
    });
    return new GridPenaltyKernel(device, pipeline);
  }

  createPass(dataLoss: GPUBuffer, penalized: GPUBuffer, label = 'gridPenalty'): GridPenaltyPass {
    const params = createUniformBuffer(this.device, `${label} params`, uniformLayout(gridPenaltySource).byteLength);
    const bindGroup = bindBuffers(this.device, `${label} bind group`, this.pipeline, [params, dataLoss, penalized]);
    return new GridPenaltyPass(this, params, bindGroup);
  }

  /** J + λ·P, as gridPenalty(dataLoss, window, G, penalty, lambda, mix) of the CPU twin (output poisoned first). */
  async run(
    dataLoss: Float32Array<ArrayBuffer>,
    window: GridWindow,
    G: number,
    penalty: Penalty,
    lambda: number,
    mix: number,
  ): Promise<Float32Array> {
    if (dataLoss.length !== G * G)
      throw new RangeError(`dataLoss has ${dataLoss.length} values, expected G·G = ${G * G}`);
    const { device } = this;
    const input = createStorageBuffer(device, 'gridPenalty dataLoss', dataLoss.byteLength);
    device.queue.writeBuffer(input, 0, dataLoss);
    const output = createStorageBuffer(device, 'gridPenalty penalized', dataLoss.byteLength);
    poisonBuffer(device, output);
    const pass = this.createPass(input, output);
    const encoder = device.createCommandEncoder({ label: 'gridPenalty' });
    pass.encode(encoder, { window, G, penalty, lambda, mix });
    device.queue.submit([encoder.finish()]);
    const values = new Float32Array(await readBuffer(device, output, dataLoss.byteLength));
    pass.destroy();
    input.destroy();
    output.destroy();
    return values;
  }
}
