// GPU runner of shaders/gridLoss.wgsl; CPU twin: gridLoss in src/core/gridLoss.ts.
// J(w1, w2) of a model on a G×G grid (index j·G + i), data as one DataPoint (x1, x2, y) per point, in f32.
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
import { bindBuffers, encodeComputePass } from './computePass';
import { PipelineCache } from './pipelineCache';
import { composeShader } from './shaderSource';
import { recordLayout, uniformLayout } from './wgslLayout';

const WORKGROUP_SIZE_X = 16;
const WORKGROUP_SIZE_Y = 4;
/** Cells of one row per invocation (CELLS_PER_INVOCATION in the WGSL). */
export const GRID_LOSS_CELLS_PER_INVOCATION = 8;
/**
 * An explicit layout shared by every model's pipeline: analytic models never read `points`, and
 * 'auto' would drop that binding from their layouts.
 */
const BINDINGS: readonly GPUBufferBindingType[] = ['uniform', 'read-only-storage', 'storage'];

export interface GridLossShape {
  model: RegularizationModel;
  window: GridWindow;
  G: number;
  /** Data points in the points buffer (0 for analytic models). */
  n: number;
  quadratic: QuadraticShape;
  /** One band of rows j ∈ [first, first + count) (default: all G rows): a big grid goes in bands. */
  rows?: { first: number; count: number };
}

/** The data as the kernel reads it: one DataPoint (x1, x2, y) per point in f32; one zero point for analytic models. */
export function packRegularizationPoints(data: RegularizationData): Float32Array<ArrayBuffer> {
  const point = recordLayout(gridLossSource, 'DataPoint');
  const [x1, x2, y] = ['x1', 'x2', 'y'].map((field) => point.wordOf(field));
  const packed = new Float32Array(point.words * Math.max(1, data.n));
  for (let k = 0; k < data.n; k++) {
    const at = k * point.words;
    packed[at + x1] = data.x1[k];
    packed[at + x2] = data.x2[k];
    packed[at + y] = data.y[k];
  }
  return packed;
}

/** Workgroups of `rows` rows of a G×G grid: x covers G / 8 invocations of 8 cells, y covers the rows. */
export function gridLossWorkgroups(G: number, rows = G): { x: number; y: number } {
  return {
    x: Math.ceil(Math.ceil(G / GRID_LOSS_CELLS_PER_INVOCATION) / WORKGROUP_SIZE_X),
    y: Math.ceil(rows / WORKGROUP_SIZE_Y),
  };
}

/** One bound dispatch: its own uniform buffer and bind group over (points, dataLoss). */
export class GridLossPass {
  constructor(
    private readonly kernel: GridLossKernel,
    private readonly params: GPUBuffer,
    private readonly bindGroup: GPUBindGroup,
  ) {}

  /**
   * Writes the uniforms now (queue order: before the encoder is submitted) and records the dispatch.
   * One set of uniforms per pass: submit each band before encoding the next.
   */
  encode(encoder: GPUCommandEncoder, shape: GridLossShape): void {
    const { model, window, G, n, quadratic } = shape;
    const rows = shape.rows ?? { first: 0, count: G };
    const needsData = REGULARIZATION_MODEL_INFO[model].usesData;
    if (needsData && n < 1) throw new RangeError(`gridLoss: model ${model} needs data points (n = ${n})`);
    if (rows.first < 0 || rows.count < 1 || rows.first + rows.count > G)
      throw new RangeError(`gridLoss: rows ${rows.first}..${rows.first + rows.count - 1} are not rows of G = ${G}`);
    uniformLayout(gridLossSource).write(this.kernel.device, this.params, {
      w1Min: window.w1Min,
      w1Step: (window.w1Max - window.w1Min) / (G - 1),
      w2Min: window.w2Min,
      w2Step: (window.w2Max - window.w2Min) / (G - 1),
      G,
      n: needsData ? n : 0,
      rowOffset: rows.first,
      rowEnd: rows.first + rows.count,
      quadratic: [quadratic.h1, quadratic.h2, quadratic.a1, quadratic.a2],
    });
    const dispatch = {
      pipeline: this.kernel.pipelineFor(model),
      bindGroups: [this.bindGroup],
      workgroups: gridLossWorkgroups(G, rows.count),
    };
    encodeComputePass(encoder, `gridLoss ${model} pass`, [dispatch]);
  }

  destroy(): void {
    this.params.destroy();
  }
}

export class GridLossKernel {
  private constructor(
    readonly device: GPUDevice,
    private readonly layout: GPUBindGroupLayout,
    private readonly pipelines: ReadonlyMap<RegularizationModel, GPUComputePipeline>,
  ) {}

  /** Builds one pipeline per model (MODEL override) over one module. */
  static async create(device: GPUDevice): Promise<GridLossKernel> {
    const cache = PipelineCache.of(device);
    const code = composeShader(gridLossSource, ['rng', 'activations']);
    const entries = await Promise.all(
      REGULARIZATION_MODELS.map(async (model) => {
        const pipeline = await cache.pipeline({
          label: `gridLoss ${model}`,
          code,
          entryPoint: 'gridLoss',
          constants: { MODEL: modelIndex(model), WORKGROUP_SIZE_X, WORKGROUP_SIZE_Y },
          bindings: BINDINGS,
        });
        return [model, pipeline] as const;
      }),
    );
    return new GridLossKernel(device, cache.bindGroupLayout(BINDINGS), new Map(entries));
  }

  pipelineFor(model: RegularizationModel): GPUComputePipeline {
    const pipeline = this.pipelines.get(model);
    if (!pipeline) throw new Error(`gridLoss: no pipeline for model ${model}`);
    return pipeline;
  }

  /** A pass bound to `points` (packRegularizationPoints) and `dataLoss` (≥ G·G f32). */
  createPass(points: GPUBuffer, dataLoss: GPUBuffer, label = 'gridLoss'): GridLossPass {
    const params = createUniformBuffer(this.device, `${label} params`, uniformLayout(gridLossSource).byteLength);
    const bindGroup = bindBuffers(this.device, `${label} bind group`, this.layout, [params, points, dataLoss]);
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
