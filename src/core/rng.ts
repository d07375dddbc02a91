// Counter-based random numbers shared bit for bit with shaders/common/rng.wgsl.
// Threefry2x32-20 (Salmon et al. 2011, Random123): 32-bit add/rotate/xor only, so WGSL (no u64)
// and TypeScript (Math.imul-free: only >>> 0 wrap-around) produce identical words.

const PARITY = 0x1bd11bda;
const ROTATIONS = [13, 15, 26, 6, 17, 29, 16, 24];

function rotl(x: number, r: number): number {
  return ((x << r) | (x >>> (32 - r))) >>> 0;
}

/** Threefry2x32 with 20 rounds: (key, counter) → two uniformly distributed 32-bit words. */
export function threefry2x32(key0: number, key1: number, counter0: number, counter1: number): [number, number] {
  const ks = [key0 >>> 0, key1 >>> 0, (PARITY ^ key0 ^ key1) >>> 0];
  let x0 = (counter0 + ks[0]) >>> 0;
  let x1 = (counter1 + ks[1]) >>> 0;
  for (let round = 0; round < 20; round++) {
    x0 = (x0 + x1) >>> 0;
    x1 = rotl(x1, ROTATIONS[round % 8]);
    x1 = (x1 ^ x0) >>> 0;
    if (round % 4 === 3) {
      const injection = (round + 1) / 4;
      x0 = (x0 + ks[injection % 3]) >>> 0;
      x1 = (x1 + ks[(injection + 1) % 3] + injection) >>> 0;
    }
  }
  return [x0, x1];
}

/**
 * A word to a uniform strictly inside (0, 1): (top 23 bits + 0.5) / 2^23, written as the WGSL twin
 * builds it, ((word >> 8) | 1) / 2^24 (an odd integer below 2^24 times a power of two).
 * 23 bits, not 24: (2^24 - 1) + 0.5 needs 25 significant bits and rounds to 2^24 in f32,
 * which would give exactly 1.0 on the GPU. With 23 bits every value is exact in f32.
 */
export function uniformFromWord(word: number): number {
  return ((word >>> 8) | 1) / 16777216;
}

/**
 * (cos 2πu, sin 2πu) by the same exact quadrant reduction and Taylor series as the WGSL twin
 * (cos_sin_turns in shaders/common/rng.wgsl): WGSL's built-in cos/sin promise only 2^-11.
 */
export function cosSinTurns(u: number): [number, number] {
  const quarters = u * 4;
  const quadrant = Math.floor(quarters);
  const theta = (quarters - quadrant - 0.5) * (Math.PI / 2);
  const t2 = theta * theta;
  const sinTheta = theta * (1 + t2 * (-1 / 6 + t2 * (1 / 120 + t2 * (-1 / 5040 + t2 * (1 / 362880)))));
  const cosTheta = 1 + t2 * (-0.5 + t2 * (1 / 24 + t2 * (-1 / 720 + t2 * (1 / 40320 + t2 * (-1 / 3628800)))));
  const c = (cosTheta - sinTheta) * Math.SQRT1_2;
  const s = (cosTheta + sinTheta) * Math.SQRT1_2;
  switch (quadrant) {
    case 0:
      return [c, s];
    case 1:
      return [-s, c];
    case 2:
      return [-c, -s];
    default:
      return [s, -c];
  }
}

/** Box–Muller on two words: two independent standard normals (cos and sin branches). */
export function normalPairFromWords(word0: number, word1: number): [number, number] {
  const radius = Math.sqrt(-2 * Math.log(uniformFromWord(word0)));
  const [cos, sin] = cosSinTurns(uniformFromWord(word1));
  return [radius * cos, radius * sin];
}

/**
 * Streams: key1 = (stream tag << 24) | layer, so weights, biases, inputs and read-out vectors
 * never share words. counter0 = initialization index k, counter1 = element index >> 1
 * (one Threefry call gives the normals of two neighbouring elements).
 */
export const Stream = { weights: 1, biases: 2, inputs: 3, readout: 4, data: 5, training: 6, test: 15 } as const;
export type StreamTag = (typeof Stream)[keyof typeof Stream];

export function streamKey(tag: StreamTag, layer: number): number {
  return ((tag << 24) | (layer & 0xffffff)) >>> 0;
}

/** The standard normal of one element: even elements take the cos branch, odd the sin branch. */
export function normalAt(seed: number, tag: StreamTag, layer: number, k: number, element: number): number {
  const [w0, w1] = threefry2x32(seed, streamKey(tag, layer), k, Math.floor(element / 2));
  const [n0, n1] = normalPairFromWords(w0, w1);
  return element % 2 === 0 ? n0 : n1;
}

/** The uniform in (0, 1) of one element: even elements use the first word, odd the second. */
export function uniformAt(seed: number, tag: StreamTag, layer: number, k: number, element: number): number {
  const [w0, w1] = threefry2x32(seed, streamKey(tag, layer), k, Math.floor(element / 2));
  return uniformFromWord(element % 2 === 0 ? w0 : w1);
}

/** CPU twin of shaders/rngWords.wgsl: the words and normal pairs of `count` consecutive counters. */
export function rngWords(
  seed: number,
  key1: number,
  counter0: number,
  firstCounter1: number,
  count: number,
): { words: Uint32Array; normals: Float64Array } {
  const words = new Uint32Array(2 * count);
  const normals = new Float64Array(2 * count);
  for (let index = 0; index < count; index++) {
    const pair = threefry2x32(seed, key1, counter0, (firstCounter1 + index) >>> 0);
    words[2 * index] = pair[0];
    words[2 * index + 1] = pair[1];
    const [n0, n1] = normalPairFromWords(pair[0], pair[1]);
    normals[2 * index] = n0;
    normals[2 * index + 1] = n1;
  }
  return { words, normals };
}

/** CPU twin of drawsOfWords in shaders/rngWords.wgsl: the uniform of every word, the normals of every pair. */
export function drawsOfWords(words: Uint32Array): { normals: Float64Array; uniforms: Float64Array } {
  const normals = new Float64Array(words.length);
  const uniforms = new Float64Array(words.length);
  for (let index = 0; index < words.length; index += 2) {
    const [n0, n1] = normalPairFromWords(words[index], words[index + 1]);
    normals[index] = n0;
    normals[index + 1] = n1;
    uniforms[index] = uniformFromWord(words[index]);
    uniforms[index + 1] = uniformFromWord(words[index + 1]);
  }
  return { normals, uniforms };
}

/** The re-seed button's next seed: a Threefry word keyed by the old seed (deterministic, never an unseeded source). */
export function nextSeed(seed: number): number {
  return threefry2x32(seed >>> 0, 0x5eed5eed, 0, 0)[0];
}
