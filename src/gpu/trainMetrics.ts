// GPU runner of shaders/trainMetrics.wgsl; CPU twin: trainMetrics in src/core/trainMetrics.ts.
import trainMetricsSource from '../../shaders/trainMetrics.wgsl?raw';
import type { Activation } from '../core/activations';
import { quadCount, type TrainLayout } from '../core/trainLayout';
import { createUniformBuffer } from './buffers';
import { compileShader } from './shaderSource';
import { ActivationPipelines, composeTrainShader } from './trainShaders';
import { packScalarStruct, scalarStruct } from './wgslStruct';

const WORKGROUP_SIZE = 64;
const PARAMS = scalarStruct(trainMetricsSource, 'TrainMetricsParams');

export interface TrainMetricsBuffers {
  layoutTable: GPUBuffer;
  points: GPUBuffer;
  weights: GPUBuffer;
  /** vec4u per copy: the bits of METRICS_PER_COPY = 4 f32. */
  metrics: GPUBuffer;
}

export interface TrainMetricsSettings {
  layout: TrainLayout;
  activation: Activation;
  trainCount: number;
  testCount: number;
  copies: number;
}

/** One bound metrics pass (either kernel). */
export class TrainMetricsPass {
  constructor(
    private readonly pipeline: GPUComputePipeline,
    private readonly bindGroup: GPUBindGroup,
    private readonly params: GPUBuffer,
    readonly workgroups: number,
  ) {}

  /** Records the metrics of every copy at the current weights. */
  encode(pass: GPUComputePassEncoder): void {
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, this.bindGroup);
    pass.dispatchWorkgroups(this.workgroups);
  }

  destroy(): void {
    this.params.destroy();
  }
}

export class TrainMetricsKernel {
  private constructor(
    readonly device: GPUDevice,
    private readonly pipelines: ActivationPipelines,
  ) {}

  static async create(device: GPUDevice): Promise<TrainMetricsKernel> {
    const module = await compileShader(
      device,
      'trainMetrics',
      composeTrainShader(trainMetricsSource, { layout: true, forward: true, snippets: ['activations'] }),
    );
    return new TrainMetricsKernel(device, new ActivationPipelines(device, module, 'trainMetrics', { WORKGROUP_SIZE }));
  }

  async bind(buffers: TrainMetricsBuffers, settings: TrainMetricsSettings): Promise<TrainMetricsPass> {
    const { device } = this;
    const pipeline = await this.pipelines.get(settings.activation);
    const params = createUniformBuffer(device, 'trainMetrics params', PARAMS.byteLength);
    device.queue.writeBuffer(
      params,
      0,
      packScalarStruct(PARAMS, {
        copies: settings.copies,
        paramCount: settings.layout.paramCount,
        layerCount: settings.layout.layerCount,
        trainCount: settings.trainCount,
        testCount: settings.testCount,
        trainQuads: quadCount(settings.trainCount),
        testQuads: quadCount(settings.testCount),
      }),
    );
    const bindGroup = device.createBindGroup({
      label: 'trainMetrics bind group',
      layout: pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: params } },
        { binding: 1, resource: { buffer: buffers.layoutTable } },
        { binding: 2, resource: { buffer: buffers.points } },
        { binding: 3, resource: { buffer: buffers.weights } },
        { binding: 4, resource: { buffer: buffers.metrics } },
      ],
    });
    return new TrainMetricsPass(pipeline, bindGroup, params, settings.copies);
  }
}
