// GPU runner of shaders/rngWords.wgsl; CPU twin: rngWords in src/core/rng.ts.
import rngWordsSource from '../../shaders/rngWords.wgsl?raw';
import { createStorageBuffer, createUniformBuffer, dispatchSize2D, poisonBuffer, readBuffer } from './buffers';
import { compileShader, composeShader, kernelPipeline } from './shaderSource';

const WORKGROUP_SIZE = 64;

export class RngWordsKernel {
  private constructor(
    private readonly device: GPUDevice,
    private readonly pipeline: GPUComputePipeline,
  ) {}

  static async create(device: GPUDevice): Promise<RngWordsKernel> {
    const module = await compileShader(device, 'rngWords', composeShader(rngWordsSource, ['rng']));
    const pipeline = await kernelPipeline(device, module, 'rngWords', { WORKGROUP_SIZE });
    return new RngWordsKernel(device, pipeline);
  }

  /** Words and normal pairs of counters (counter0, firstCounter1 + i), i < count, as the CPU twin. */
  async run(
    seed: number,
    key1: number,
    counter0: number,
    firstCounter1: number,
    count: number,
  ): Promise<{ words: Uint32Array; normals: Float32Array }> {
    const { device } = this;
    const dispatch = dispatchSize2D(device, Math.ceil(count / 2), WORKGROUP_SIZE); // two counters per invocation
    const params = createUniformBuffer(device, 'rngWords params', 24);
    device.queue.writeBuffer(
      params,
      0,
      new Uint32Array([seed, key1, counter0, firstCounter1, count, dispatch.rowStride]),
    );
    const words = createStorageBuffer(device, 'rngWords words', count * 8);
    const normals = createStorageBuffer(device, 'rngWords normals', count * 8);
    poisonBuffer(device, words);
    poisonBuffer(device, normals);
    const bindGroup = device.createBindGroup({
      label: 'rngWords bind group',
      layout: this.pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: params } },
        { binding: 1, resource: { buffer: words } },
        { binding: 2, resource: { buffer: normals } },
      ],
    });
    const encoder = device.createCommandEncoder({ label: 'rngWords' });
    const pass = encoder.beginComputePass({ label: 'rngWords pass' });
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(dispatch.x, dispatch.y);
    pass.end();
    device.queue.submit([encoder.finish()]);
    const [wordBytes, normalBytes] = await Promise.all([
      readBuffer(device, words, count * 8),
      readBuffer(device, normals, count * 8),
    ]);
    for (const buffer of [params, words, normals]) buffer.destroy();
    return { words: new Uint32Array(wordBytes), normals: new Float32Array(normalBytes) };
  }
}
