// Every compute pipeline of the app comes from here: one per (device, WGSL code, entry point, override
// constants, explicit bindings), built on first use and kept, over one shader module per (device, code).
// Override constants that carry a code are checked against their tables first (src/gpu/wgslCodes.ts).
// A build that fails is forgotten, so asking again builds again.
import { compileShader } from './shaderSource';
import { checkCodeOverrides } from './wgslCodes';

export interface PipelineRequest {
  /** Names the pipeline in labels and errors, e.g. 'layerForward (tanh)'. */
  label: string;
  /** Names the shader module (compile errors), by default the entry point. */
  module?: string;
  /** The composed WGSL (composeShader). */
  code: string;
  entryPoint: string;
  constants?: Readonly<Record<string, number>>;
  /**
   * An explicit layout of group 0, the buffer binding types in binding order: pipelines of one module
   * then share bind groups even where an entry point leaves a binding unused ('auto' would drop it).
   */
  bindings?: readonly GPUBufferBindingType[];
}

const caches = new WeakMap<GPUDevice, PipelineCache>();

export class PipelineCache {
  private readonly modules = new Map<string, Promise<GPUShaderModule>>();
  private readonly pipelines = new Map<string, Map<string, Promise<GPUComputePipeline>>>();
  private readonly layouts = new Map<string, { group: GPUBindGroupLayout; pipeline: GPUPipelineLayout }>();

  private constructor(private readonly device: GPUDevice) {}

  /** The cache of a device. */
  static of(device: GPUDevice): PipelineCache {
    let cache = caches.get(device);
    if (!cache) {
      cache = new PipelineCache(device);
      caches.set(device, cache);
    }
    return cache;
  }

  pipeline(request: PipelineRequest): Promise<GPUComputePipeline> {
    const constants = request.constants ?? {};
    const key = JSON.stringify([
      request.entryPoint,
      Object.entries(constants).sort(([a], [b]) => (a < b ? -1 : 1)),
      request.bindings ?? 'auto',
    ]);
    let byCode = this.pipelines.get(request.code);
    if (!byCode) {
      byCode = new Map();
      this.pipelines.set(request.code, byCode);
    }
    const table = byCode;
    let pipeline = table.get(key);
    if (!pipeline) {
      pipeline = this.build(request, constants);
      table.set(key, pipeline);
      pipeline.catch(() => table.delete(key));
    }
    return pipeline;
  }

  /** The bind group layout of explicit `bindings` (the one their pipelines use). */
  bindGroupLayout(bindings: readonly GPUBufferBindingType[]): GPUBindGroupLayout {
    return this.layoutOf(bindings).group;
  }

  private async build(request: PipelineRequest, constants: Readonly<Record<string, number>>) {
    checkCodeOverrides(request.label, constants);
    const module = await this.module(request.module ?? request.entryPoint, request.code);
    return this.device.createComputePipelineAsync({
      label: `${request.label} pipeline`,
      layout: request.bindings ? this.layoutOf(request.bindings).pipeline : 'auto',
      compute: { module, entryPoint: request.entryPoint, constants: { ...constants } },
    });
  }

  /** The module of `code`, compiled once (a runner may ask early, so compile errors show at once). */
  module(label: string, code: string): Promise<GPUShaderModule> {
    let module = this.modules.get(code);
    if (!module) {
      module = compileShader(this.device, label, code);
      this.modules.set(code, module);
      module.catch(() => this.modules.delete(code));
    }
    return module;
  }

  private layoutOf(bindings: readonly GPUBufferBindingType[]) {
    const key = bindings.join(' ');
    let layout = this.layouts.get(key);
    if (!layout) {
      const group = this.device.createBindGroupLayout({
        label: `bind group layout (${key})`,
        entries: bindings.map((type, binding) => ({ binding, visibility: GPUShaderStage.COMPUTE, buffer: { type } })),
      });
      const pipeline = this.device.createPipelineLayout({
        label: `pipeline layout (${key})`,
        bindGroupLayouts: [group],
      });
      layout = { group, pipeline };
      this.layouts.set(key, layout);
    }
    return layout;
  }
}

/** The pipeline of `request` from the device's cache. */
export function cachedPipeline(device: GPUDevice, request: PipelineRequest): Promise<GPUComputePipeline> {
  return PipelineCache.of(device).pipeline(request);
}
