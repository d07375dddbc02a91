// GPU runner of shaders/gridPenalty.wgsl; CPU twin: gridPenalty in src/core/gridLoss.ts.
// J + λ·P on the grid from a gridLoss buffer, into a separate buffer (the cheap pass of a λ change).
import gridPenaltySource from '../../shaders/gridPenalty.wgsl?raw';
import { type GridWindow, type Penalty, penaltyWeights } from '../core/gridLoss';
import { createStorageBuffer, createUniformBuffer, dispatchSize2D, poisonBuffer, readBuffer } from './buffers';
import { compileShader, kernelPipeline } from './shaderSource';

const WORKGROUP_SIZE = 64;
/** Bytes of GridPenaltyParams in the WGSL: 4 f32, 2 u32, 2 f32. */
const PARAMS_BYTES = 32;

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
    const { device } = this.kernel;
    const { window, G, penalty, lambda, mix } = shape;
    const { l1, l2 } = penaltyWeights(penalty, lambda, mix);
    const dispatch = dispatchSize2D(device, G * G, WORKGROUP_SIZE);
    const bytes = new ArrayBuffer(PARAMS_BYTES);
    const floats = new Float32Array(bytes);
    const words = new Uint32Array(bytes);
    floats[0] = window.w1Min;
    floats[1] = (window.w1Max - window.w1Min) / (G - 1);
    floats[2] = window.w2Min;
    floats[3] = (window.w2Max - window.w2Min) / (G - 1);
    words[4] = G;
    words[5] = dispatch.rowStride;
    floats[6] = l1;
    floats[7] = l2;
    device.queue.writeBuffer(this.params, 0, bytes);
    const pass = encoder.beginComputePass({ label: `gridPenalty ${penalty} pass` });
    pass.setPipeline(this.kernel.pipeline);
    pass.setBindGroup(0, this.bindGroup);
    pass.dispatchWorkgroups(dispatch.x, dispatch.y);
    pass.end();
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
    const module = await compileShader(device, 'gridPenalty', gridPenaltySource);
    const pipeline = await kernelPipeline(device, module, 'gridPenalty', { WORKGROUP_SIZE });
    return new GridPenaltyKernel(device, pipeline);
  }

  createPass(dataLoss: GPUBuffer, penalized: GPUBuffer, label = 'gridPenalty'): GridPenaltyPass {
    const params = createUniformBuffer(this.device, `${label} params`, PARAMS_BYTES);
    const bindGroup = this.device.createBindGroup({
      label: `${label} bind group`,
      layout: this.pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: params } },
        { binding: 1, resource: { buffer: dataLoss } },
        { binding: 2, resource: { buffer: penalized } },
      ],
    });
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
