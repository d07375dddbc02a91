// GPU runner of shaders/rngWords.wgsl; CPU twins: rngWords and drawsOfWords in src/core/rng.ts.
import rngWordsSource from '../../shaders/rngWords.wgsl?raw';
import { createStorageBuffer, poisonBuffer, readBuffer } from './buffers';
import { bindBuffers, dispatchSize2D, encodeComputePass } from './computePass';
import { cachedPipeline } from './pipelineCache';
import { composeShader } from './shaderSource';
import { storageElementBytes, uniformLayout } from './wgslLayout';

const WORKGROUP_SIZE = 64;

export interface RngWordsOptions {
  /**
   * Rewrites the composed WGSL before it is compiled: tests imitate there the freedom WGSL leaves a GPU
   * (division as x · (1/y), sqrt as 1/inverseSqrt; tests/gpu/rng.test.ts).
   */
  rewrite?: (code: string) => string;
  /** The rotations with native shifts (the hardware family's), else SwiftShader's exact f32 trick. */
  nativeShifts?: boolean;
}

export class RngWordsKernel {
  private constructor(
    private readonly device: GPUDevice,
    private readonly code: string,
    private readonly pipeline: GPUComputePipeline,
  ) {}

  static async create(device: GPUDevice, options: RngWordsOptions = {}): Promise<RngWordsKernel> {
    const composed = composeShader(rngWordsSource, ['rng']);
    const code = options.rewrite ? options.rewrite(composed) : composed;
    const pipeline = await RngWordsKernel.compile(device, code, 'rngWords', options.nativeShifts ?? false);
    return new RngWordsKernel(device, code, pipeline);
  }

  private static compile(
    device: GPUDevice,
    code: string,
    entryPoint: string,
    nativeShifts = false,
  ): Promise<GPUComputePipeline> {
    const label = `${entryPoint}${nativeShifts ? ' (native shifts)' : ''}`;
    const constants = { WORKGROUP_SIZE, NATIVE_SHIFTS: nativeShifts ? 1 : 0 };
    return cachedPipeline(device, { label, code, entryPoint, constants });
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

  /** The normals of every pair of words and the uniform of every word, as the CPU twin drawsOfWords. */
  async drawsOfWords(wordValues: Uint32Array<ArrayBuffer>): Promise<{ normals: Float32Array; uniforms: Float32Array }> {
    const { device, code } = this;
    if (wordValues.length % 2 !== 0) throw new Error('drawsOfWords takes words in pairs');
    const pipeline = await RngWordsKernel.compile(device, code, 'drawsOfWords');
    const count = wordValues.length / 2;
    const workgroups = dispatchSize2D(device, count, WORKGROUP_SIZE);
    const params = uniformLayout(rngWordsSource).createBuffer(device, 'drawsOfWords params', {
      ...{ seed: 0, key1: 0, counter0: 0, firstCounter1: 0 }, // read by rngWords only
      count,
      rowStride: workgroups.rowStride,
    });
    const words = createStorageBuffer(device, 'drawsOfWords words', wordValues.byteLength);
    device.queue.writeBuffer(words, 0, wordValues);
    const normalBytes = count * storageElementBytes(rngWordsSource, 'normals');
    const uniformBytes = count * storageElementBytes(rngWordsSource, 'uniforms');
    const normals = createStorageBuffer(device, 'drawsOfWords normals', normalBytes);
    const uniforms = createStorageBuffer(device, 'drawsOfWords uniforms', uniformBytes);
    poisonBuffer(device, normals);
    poisonBuffer(device, uniforms);
    const bindGroup = bindBuffers(device, 'drawsOfWords bind group', pipeline, [params, words, normals, uniforms]);
    const encoder = device.createCommandEncoder({ label: 'drawsOfWords' });
    encodeComputePass(encoder, 'drawsOfWords pass', [{ pipeline, bindGroups: [bindGroup], workgroups }]);
    device.queue.submit([encoder.finish()]);
    const [normalData, uniformData] = await Promise.all([
      readBuffer(device, normals, normalBytes),
      readBuffer(device, uniforms, uniformBytes),
    ]);
    for (const buffer of [params, words, normals, uniforms]) buffer.destroy();
    return { normals: new Float32Array(normalData), uniforms: new Float32Array(uniformData) };
  }
}
