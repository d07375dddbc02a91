// GPU runner of shaders/decisionGrid.wgsl; CPU twin: decisionGrid in src/core/decisionGrid.ts.
import decisionGridSource from '../../shaders/decisionGrid.wgsl?raw';
import type { Activation } from '../core/activations';
import { checkGridSize, type InputWindow } from '../core/decisionGrid';
import type { TrainLayout } from '../core/trainLayout';
import { createUniformBuffer } from './buffers';
import { compileShader } from './shaderSource';
import { ActivationPipelines, composeTrainShader } from './trainShaders';
import { packScalarStruct, scalarStruct } from './wgslStruct';

const WORKGROUP_SIDE = 8;
const PARAMS = scalarStruct(decisionGridSource, 'DecisionGridParams');

export interface DecisionGridSettings {
  layout: TrainLayout;
  activation: Activation;
  copy: number;
  G: number;
  window: InputWindow;
}

export class DecisionGridKernel {
  private constructor(
    readonly device: GPUDevice,
    private readonly pipelines: ActivationPipelines,
    private readonly params: GPUBuffer,
  ) {}

  static async create(device: GPUDevice): Promise<DecisionGridKernel> {
    const module = await compileShader(
      device,
      'decisionGrid',
      composeTrainShader(decisionGridSource, { layout: true, forward: true, snippets: ['activations'] }),
    );
    const params = createUniformBuffer(device, 'decisionGrid params', PARAMS.byteLength);
    return new DecisionGridKernel(device, new ActivationPipelines(device, module, 'decisionGrid'), params);
  }

  /**
   * Records σ(z[L]) of one copy on the G×G grid into `probabilities` (G·G f32). Writes the uniforms
   * now (queue order): submit before encoding another grid.
   */
  async encode(
    encoder: GPUCommandEncoder,
    layoutTable: GPUBuffer,
    weights: GPUBuffer,
    probabilities: GPUBuffer,
    settings: DecisionGridSettings,
  ): Promise<void> {
    const { device, params } = this;
    const { layout, G, window } = settings;
    checkGridSize(G);
    const pipeline = await this.pipelines.get(settings.activation);
    device.queue.writeBuffer(
      params,
      0,
      packScalarStruct(PARAMS, {
        copy: settings.copy,
        paramCount: layout.paramCount,
        layerCount: layout.layerCount,
        G,
        x0Min: window.x0Min,
        x0Step: (window.x0Max - window.x0Min) / (G - 1),
        x1Min: window.x1Min,
        x1Step: (window.x1Max - window.x1Min) / (G - 1),
      }),
    );
    const bindGroup = device.createBindGroup({
      label: 'decisionGrid bind group',
      layout: pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: params } },
        { binding: 1, resource: { buffer: layoutTable } },
        { binding: 2, resource: { buffer: weights } },
        { binding: 3, resource: { buffer: probabilities } },
      ],
    });
    const pass = encoder.beginComputePass({ label: 'decisionGrid pass' });
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    // Four columns per invocation.
    pass.dispatchWorkgroups(Math.ceil(Math.ceil(G / 4) / WORKGROUP_SIDE), Math.ceil(G / WORKGROUP_SIDE));
    pass.end();
  }

  destroy(): void {
    this.params.destroy();
  }
}
