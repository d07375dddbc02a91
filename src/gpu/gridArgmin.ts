// GPU runner of shaders/gridArgmin.wgsl; CPU twin: gridArgmin in src/core/gridLoss.ts.
// Per-workgroup smallest finite value + index + non-finite count on the GPU; the few partials are
// combined here on the CPU (combineArgminPartials).
import gridArgminSource from '../../shaders/gridArgmin.wgsl?raw';
import { type GridMinimum, type GridWindow, gridWeights } from '../core/gridLoss';
import { createStorageBuffer, createUniformBuffer, poisonBuffer, readBuffer } from './buffers';
import { bindBuffers, encodeComputePass } from './computePass';
import { cachedPipeline } from './pipelineCache';
import { composeShader } from './shaderSource';
import { recordLayout, uniformLayout } from './wgslLayout';

// Workgroup barriers are what a software adapter pays for (SwiftShader, 1M values): 256 × 16 took
// ~700 ms, 64 × 64 ~150–220 ms, 16 × 256 ~90 ms. 64 × 64 keeps a full wave per workgroup on real GPUs.
const WORKGROUP_SIZE = 64;
const ITEMS_PER_INVOCATION = 64;
/** Values one workgroup reduces. */
export const ARGMIN_VALUES_PER_WORKGROUP = WORKGROUP_SIZE * ITEMS_PER_INVOCATION;
/** The index of a partial whose workgroup saw no finite value (NO_FINITE_VALUE in the WGSL). */
export const NO_FINITE_VALUE = 0xffffffff;

const partialLayout = () => recordLayout(gridArgminSource, 'GridArgminPartial');

export interface ArgminResult {
  /** Index of the smallest finite value (first on ties), or -1 when none is finite. */
  index: number;
  /** That value as the GPU holds it (f32), NaN when none is finite. */
  value: number;
  /** Values that were ±Inf or NaN. */
  nonFinite: number;
}

/** Workgroups for `count` values, laid out in 2D when one dimension is not enough. */
export function argminWorkgroups(device: GPUDevice, count: number): { groups: number; x: number; y: number } {
  const groups = Math.max(1, Math.ceil(count / ARGMIN_VALUES_PER_WORKGROUP));
  const x = Math.min(groups, device.limits.maxComputeWorkgroupsPerDimension);
  return { groups, x, y: Math.ceil(groups / x) };
}

/** The CPU's final combine: smallest value, then smallest index, over the workgroups' partials. */
export function combineArgminPartials(partials: ArrayBuffer, groups: number): ArgminResult {
  const floats = new Float32Array(partials);
  const words = new Uint32Array(partials);
  const layout = partialLayout();
  const [valueWord, indexWord, nonFiniteWord] = ['value', 'index', 'nonFinite'].map((field) => layout.wordOf(field));
  let index = -1;
  let value = Number.NaN;
  let nonFinite = 0;
  for (let group = 0; group < groups; group++) {
    const at = group * layout.words;
    const groupValue = floats[at + valueWord];
    const groupIndex = words[at + indexWord];
    nonFinite += words[at + nonFiniteWord];
    if (groupIndex === NO_FINITE_VALUE) continue;
    if (index < 0 || groupValue < value || (groupValue === value && groupIndex < index)) {
      index = groupIndex;
      value = groupValue;
    }
  }
  return { index, value, nonFinite };
}

/** ArgminResult as the twin's GridMinimum (weights from gridWeights, in f64); null when nothing is finite. */
export function argminToGridMinimum(result: ArgminResult, window: GridWindow, G: number): GridMinimum | null {
  if (result.index < 0) return null;
  const i = result.index % G;
  const j = Math.floor(result.index / G);
  return { i, j, w: gridWeights(window, G, i, j), value: result.value };
}

/** One bound reduction: its own uniform and partials buffers over one values buffer. */
export class GridArgminPass {
  private groups = 0;

  constructor(
    private readonly kernel: GridArgminKernel,
    private readonly params: GPUBuffer,
    readonly partials: GPUBuffer,
    private readonly bindGroup: GPUBindGroup,
    private readonly maxGroups: number,
  ) {}

  /** Reduces the first `count` values; the uniforms are written now (queue order: before the submit). */
  encode(encoder: GPUCommandEncoder, count: number): void {
    const { device } = this.kernel;
    const dispatch = argminWorkgroups(device, count);
    if (dispatch.groups > this.maxGroups) {
      throw new RangeError(
        `gridArgmin pass was bound for ${this.maxGroups} workgroups, ${count} values need ${dispatch.groups}`,
      );
    }
    this.groups = dispatch.groups;
    uniformLayout(gridArgminSource).write(device, this.params, { count, rowStride: dispatch.x, pad0: 0, pad1: 0 });
    const workgroups = { x: dispatch.x, y: dispatch.y };
    encodeComputePass(encoder, 'gridArgmin pass', [
      { pipeline: this.kernel.pipeline, bindGroups: [this.bindGroup], workgroups },
    ]);
  }

  /** Reads the partials of the last encoded reduction (after its submit) and combines them. */
  async read(): Promise<ArgminResult> {
    const bytes = await readBuffer(this.kernel.device, this.partials, this.groups * partialLayout().words * 4);
    return combineArgminPartials(bytes, this.groups);
  }

  destroy(): void {
    this.params.destroy();
    this.partials.destroy();
  }
}

export class GridArgminKernel {
  private constructor(
    readonly device: GPUDevice,
    readonly pipeline: GPUComputePipeline,
  ) {}

  static async create(device: GPUDevice): Promise<GridArgminKernel> {
    const pipeline = await cachedPipeline(device, {
      label: 'gridArgmin',
      code: composeShader(gridArgminSource, []),
      entryPoint: 'gridArgmin',
      constants: { WORKGROUP_SIZE, ITEMS_PER_INVOCATION },
    });
    return new GridArgminKernel(device, pipeline);
  }

  /** A reduction over `values`, able to reduce up to `maxCount` values. */
  createPass(values: GPUBuffer, maxCount: number, label = 'gridArgmin'): GridArgminPass {
    const { device } = this;
    const maxGroups = argminWorkgroups(device, maxCount).groups;
    const params = createUniformBuffer(device, `${label} params`, uniformLayout(gridArgminSource).byteLength);
    const partials = createStorageBuffer(device, `${label} partials`, maxGroups * partialLayout().words * 4);
    const bindGroup = bindBuffers(device, `${label} bind group`, this.pipeline, [params, values, partials]);
    return new GridArgminPass(this, params, partials, bindGroup, maxGroups);
  }

  /**
   * The smallest finite value of a G×G grid, as gridArgmin(values, window, G) of the CPU twin, plus the
   * non-finite count.
   */
  async run(
    values: Float32Array<ArrayBuffer>,
    window: GridWindow,
    G: number,
  ): Promise<{ minimum: GridMinimum | null; nonFinite: number }> {
    if (values.length !== G * G) throw new RangeError(`values has ${values.length} entries, expected G·G = ${G * G}`);
    const { device } = this;
    const input = createStorageBuffer(device, 'gridArgmin values', values.byteLength);
    device.queue.writeBuffer(input, 0, values);
    const pass = this.createPass(input, values.length);
    poisonBuffer(device, pass.partials);
    const encoder = device.createCommandEncoder({ label: 'gridArgmin' });
    pass.encode(encoder, values.length);
    device.queue.submit([encoder.finish()]);
    const result = await pass.read();
    pass.destroy();
    input.destroy();
    return { minimum: argminToGridMinimum(result, window, G), nonFinite: result.nonFinite };
  }
}
