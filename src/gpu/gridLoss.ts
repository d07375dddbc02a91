// GPU runner of shaders/gridLoss.wgsl; CPU twin: gridLoss in src/core/gridLoss.ts.
// J(w1, w2) of a model on a G×G grid (index j·G + i), data as one vec4f (x1, x2, y, 0) per point, in f32.
import gridLossSource from '../../shaders/gridLoss.wgsl?raw';
import type { GridWindow } from '../core/gridLoss';
import {
  modelIndex,
  type QuadraticShape,
  REGULARIZATION_MODEL_INFO,
  REGULARIZATION_MODELS,
  type RegularizationData,
  type RegularizationModel,
} from '../core/regularizationModels';
import { createStorageBuffer, createUniformBuffer, poisonBuffer, readBuffer } from './buffers';
import { compileShader, composeShader } from './shaderSource';

const WORKGROUP_SIZE_X = 16;
const WORKGROUP_SIZE_Y = 4;
/** Cells of one row per invocation (CELLS_PER_INVOCATION in the WGSL). */
export const GRID_LOSS_CELLS_PER_INVOCATION = 8;
/** Bytes of GridLossParams in the WGSL: 4 f32 + 4 u32 + vec4f. */
const PARAMS_BYTES = 48;

export interface GridLossShape {
  model: RegularizationModel;
  window: GridWindow;
  G: number;
  /** Data points in the points buffer (0 for analytic models). */
  n: number;
  quadratic: QuadraticShape;
}

/** The data as the kernel reads it: (x1, x2, y, 0) per point in f32; one zero vec4 for analytic models. */
export function packRegularizationPoints(data: RegularizationData): Float32Array<ArrayBuffer> {
  const packed = new Float32Array(4 * Math.max(1, data.n));
  for (let k = 0; k < data.n; k++) {
    packed[4 * k] = data.x1[k];
    packed[4 * k + 1] = data.x2[k];
    packed[4 * k + 2] = data.y[k];
  }
  return packed;
}

/** Workgroups of a G×G grid: x covers G / 8 invocations of 8 cells, y covers the G rows. */
export function gridLossWorkgroups(G: number): { x: number; y: number } {
  return {
    x: Math.ceil(Math.ceil(G / GRID_LOSS_CELLS_PER_INVOCATION) / WORKGROUP_SIZE_X),
    y: Math.ceil(G / WORKGROUP_SIZE_Y),
  };
}

/** One bound dispatch: its own uniform buffer and bind group over (points, dataLoss). */
export class GridLossPass {
  constructor(
    private readonly kernel: GridLossKernel,
    private readonly params: GPUBuffer,
    private readonly bindGroup: GPUBindGroup,
  ) {}

  /** Writes the uniforms now (queue order: before the encoder is submitted) and records the dispatch. */
  encode(encoder: GPUCommandEncoder, shape: GridLossShape): void {
    const { model, window, G, n, quadratic } = shape;
    const needsData = REGULARIZATION_MODEL_INFO[model].usesData;
    if (needsData && n < 1) throw new RangeError(`gridLoss: model ${model} needs data points (n = ${n})`);
    const bytes = new ArrayBuffer(PARAMS_BYTES);
    const floats = new Float32Array(bytes);
    const words = new Uint32Array(bytes);
    floats[0] = window.w1Min;
    floats[1] = (window.w1Max - window.w1Min) / (G - 1);
    floats[2] = window.w2Min;
    floats[3] = (window.w2Max - window.w2Min) / (G - 1);
    words[4] = G;
    words[5] = needsData ? n : 0;
    floats.set([quadratic.h1, quadratic.h2, quadratic.a1, quadratic.a2], 8);
    this.kernel.device.queue.writeBuffer(this.params, 0, bytes);
    const pass = encoder.beginComputePass({ label: `gridLoss ${model} pass` });
    pass.setPipeline(this.kernel.pipelineFor(model));
    pass.setBindGroup(0, this.bindGroup);
    const groups = gridLossWorkgroups(G);
    pass.dispatchWorkgroups(groups.x, groups.y);
    pass.end();
  }

  destroy(): void {
    this.params.destroy();
  }
}

export class GridLossKernel {
  private constructor(
    readonly device: GPUDevice,
    private readonly layout: GPUBindGroupLayout,
    private readonly pipelines: Map<RegularizationModel, GPUComputePipeline>,
  ) {}

  /** Compiles the kernel once and specializes one pipeline per model (MODEL override). */
  static async create(device: GPUDevice): Promise<GridLossKernel> {
    const module = await compileShader(device, 'gridLoss', composeShader(gridLossSource, ['rng']));
    // An explicit layout shared by every model's pipeline: analytic models never read `points`, and
    // 'auto' would drop that binding from their layouts.
    const layout = device.createBindGroupLayout({
      label: 'gridLoss bind group layout',
      entries: [
        { binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform' } },
        { binding: 1, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'read-only-storage' } },
        { binding: 2, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } },
      ],
    });
    const pipelineLayout = device.createPipelineLayout({
      label: 'gridLoss pipeline layout',
      bindGroupLayouts: [layout],
    });
    const entries = await Promise.all(
      REGULARIZATION_MODELS.map(async (model) => {
        const pipeline = await device.createComputePipelineAsync({
          label: `gridLoss ${model} pipeline`,
          layout: pipelineLayout,
          compute: {
            module,
            entryPoint: 'gridLoss',
            constants: { MODEL: modelIndex(model), WORKGROUP_SIZE_X, WORKGROUP_SIZE_Y },
          },
        });
        return [model, pipeline] as const;
      }),
    );
    return new GridLossKernel(device, layout, new Map(entries));
  }

  pipelineFor(model: RegularizationModel): GPUComputePipeline {
    return this.pipelines.get(model)!;
  }

  /** A pass bound to `points` (packRegularizationPoints) and `dataLoss` (≥ G·G f32). */
  createPass(points: GPUBuffer, dataLoss: GPUBuffer, label = 'gridLoss'): GridLossPass {
    const params = createUniformBuffer(this.device, `${label} params`, PARAMS_BYTES);
    const bindGroup = this.device.createBindGroup({
      label: `${label} bind group`,
      layout: this.layout,
      entries: [
        { binding: 0, resource: { buffer: params } },
        { binding: 1, resource: { buffer: points } },
        { binding: 2, resource: { buffer: dataLoss } },
      ],
    });
    return new GridLossPass(this, params, bindGroup);
  }

  /** J on the grid, as gridLoss(model, data, window, G) of the CPU twin (output buffer poisoned first). */
  async run(
    model: RegularizationModel,
    data: RegularizationData,
    window: GridWindow,
    G: number,
  ): Promise<Float32Array> {
    const { device } = this;
    const packed = packRegularizationPoints(data);
    const points = createStorageBuffer(device, 'gridLoss points', packed.byteLength);
    device.queue.writeBuffer(points, 0, packed);
    const dataLoss = createStorageBuffer(device, 'gridLoss dataLoss', G * G * 4);
    poisonBuffer(device, dataLoss);
    const pass = this.createPass(points, dataLoss);
    const encoder = device.createCommandEncoder({ label: 'gridLoss' });
    pass.encode(encoder, { model, window, G, n: data.n, quadratic: data.quadratic });
    device.queue.submit([encoder.finish()]);
    const values = new Float32Array(await readBuffer(device, dataLoss, G * G * 4));
    pass.destroy();
    points.destroy();
    dataLoss.destroy();
    return values;
  }
}
