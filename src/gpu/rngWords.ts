// GPU runner of shaders/rngWords.wgsl; CPU twin: rngWords in src/core/rng.ts.
import rngWordsSource from '../../shaders/rngWords.wgsl?raw';
import { createStorageBuffer, poisonBuffer, readBuffer } from './buffers';
import { bindBuffers, dispatchSize2D, encodeComputePass } from './computePass';
import { cachedPipeline } from './pipelineCache';
import { composeShader } from './shaderSource';
import { storageElementBytes, uniformLayout } from './wgslLayout';

const WORKGROUP_SIZE = 64;

export class RngWordsKernel {
  private constructor(
    private readonly device: GPUDevice,
    private readonly pipeline: GPUComputePipeline,
  ) {}

  /** nativeShifts: the rotations with native shifts (the hardware family's), else SwiftShader's exact f32 trick. */
  static async create(device: GPUDevice, options: { nativeShifts?: boolean } = {}): Promise<RngWordsKernel> {
    const nativeShifts = options.nativeShifts ?? false;
    const pipeline = await cachedPipeline(device, {
      label: `rngWords${nativeShifts ? ' (native shifts)' : ''}`,
      code: composeShader(rngWordsSource, ['rng']),
      entryPoint: 'rngWords',
      constants: { WORKGROUP_SIZE, NATIVE_SHIFTS: nativeShifts ? 1 : 0 },
    });
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
    const { device, pipeline } = this;
    const workgroups = dispatchSize2D(device, Math.ceil(count / 2), WORKGROUP_SIZE); // two counters per invocation
    const params = uniformLayout(rngWordsSource).createBuffer(device, 'rngWords params', {
      seed,
      key1,
      counter0,
      firstCounter1,
      count,
      rowStride: workgroups.rowStride,
    });
    const wordBytes = count * storageElementBytes(rngWordsSource, 'words');
    const normalBytes = count * storageElementBytes(rngWordsSource, 'normals');
    const words = createStorageBuffer(device, 'rngWords words', wordBytes);
    const normals = createStorageBuffer(device, 'rngWords normals', normalBytes);
    poisonBuffer(device, words);
    poisonBuffer(device, normals);
    const bindGroup = bindBuffers(device, 'rngWords bind group', pipeline, [params, words, normals]);
    const encoder = device.createCommandEncoder({ label: 'rngWords' });
    encodeComputePass(encoder, 'rngWords pass', [{ pipeline, bindGroups: [bindGroup], workgroups }]);
    device.queue.submit([encoder.finish()]);
    const [wordData, normalData] = await Promise.all([
      readBuffer(device, words, wordBytes),
      readBuffer(device, normals, normalBytes),
    ]);
    for (const buffer of [params, words, normals]) buffer.destroy();
    return { words: new Uint32Array(wordData), normals: new Float32Array(normalData) };
  }
}
