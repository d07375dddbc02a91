// The training kernels' WGSL, composed in one place: each kernel file plus the training snippets
// (shaders/trainCommon.wgsl always; shaders/trainLayout.wgsl, shaders/trainForward.wgsl where the
// kernel reads the layout table) and the shared ones (rng, activations).
import trainCommonSource from '../../shaders/trainCommon.wgsl?raw';
import trainForwardSource from '../../shaders/trainForward.wgsl?raw';
import trainLayoutSource from '../../shaders/trainLayout.wgsl?raw';
import type { Activation } from '../core/activations';
import { ACTIVATION_CODE, type CommonSnippet, composeShader } from './shaderSource';

export interface TrainShaderParts {
  /** The kernel declares `layout_table` and uses the layout accessors. */
  layout: boolean;
  /** The kernel calls network_logit4 (needs layout). */
  forward: boolean;
  snippets: readonly CommonSnippet[];
}

export function composeTrainShader(kernelSource: string, parts: TrainShaderParts): string {
  const training = [
    trainCommonSource,
    ...(parts.layout ? [trainLayoutSource] : []),
    ...(parts.forward ? [trainForwardSource] : []),
  ];
  return composeShader([...training, kernelSource].join('\n'), parts.snippets);
}

/** Pipelines of one module, one per activation, built on first use and kept. */
export class ActivationPipelines {
  private readonly pipelines = new Map<Activation, Promise<GPUComputePipeline>>();

  constructor(
    private readonly device: GPUDevice,
    private readonly module: GPUShaderModule,
    private readonly entryPoint: string,
    private readonly constants: Record<string, number> = {},
  ) {}

  get(activation: Activation): Promise<GPUComputePipeline> {
    let pipeline = this.pipelines.get(activation);
    if (!pipeline) {
      pipeline = this.device.createComputePipelineAsync({
        label: `${this.entryPoint} ${activation} pipeline`,
        layout: 'auto',
        compute: {
          module: this.module,
          entryPoint: this.entryPoint,
          constants: { ...this.constants, ACTIVATION: ACTIVATION_CODE[activation] },
        },
      });
      this.pipelines.set(activation, pipeline);
    }
    return pipeline;
  }
}
