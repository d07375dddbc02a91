// rngWords: bindings 0 params (uniform), 1 words (storage rw, vec2u per counter),
// 2 normals (storage rw, vec2f per counter). CPU twin: rngWords in src/core/rng.ts.
// drawsOfWords: bindings 0 params, 1 words (given), 2 normals, 3 uniforms (storage rw, vec2f per pair).
// CPU twin: drawsOfWords in src/core/rng.ts.
// Needs shaders/common/rng.wgsl (composed by src/gpu/shaderSource.ts). Each invocation draws two
// neighbouring counters with threefry2x32_pair, as initWeights does, so both of its chains are checked.

struct RngParams {
  seed: u32,
  key1: u32,
  counter0: u32,
  firstCounter1: u32,
  count: u32,
  rowStride: u32, // invocations per row of the 2D dispatch (workgroups per dimension are limited)
}

@group(0) @binding(0) var<uniform> params: RngParams;
@group(0) @binding(1) var<storage, read_write> words: array<vec2u>;
@group(0) @binding(2) var<storage, read_write> normals: array<vec2f>;
@group(0) @binding(3) var<storage, read_write> uniforms: array<vec2f>;

override WORKGROUP_SIZE: u32 = 64u;

@compute @workgroup_size(WORKGROUP_SIZE)
fn rngWords(@builtin(global_invocation_id) id: vec3u) {
  let index = 2u * (id.y * params.rowStride + id.x);
  if (index >= params.count) {
    return;
  }
  let counter = params.firstCounter1 + index;
  let both = threefry2x32_pair(params.seed, params.key1, params.counter0, counter, counter + 1u);
  words[index] = both.xy;
  normals[index] = normal_pair_from_words(both.xy);
  if (index + 1u < params.count) {
    words[index + 1u] = both.zw;
    normals[index + 1u] = normal_pair_from_words(both.zw);
  }
}

// The draws of given words (count pairs), without Threefry: any word can be checked (all 2^23 uniforms),
// and the pipeline compiles in a fraction of rngWords' time (tests rewrite it: tests/gpu/rng.test.ts).
@compute @workgroup_size(WORKGROUP_SIZE)
fn drawsOfWords(@builtin(global_invocation_id) id: vec3u) {
  let index = id.y * params.rowStride + id.x;
  if (index >= params.count) {
    return;
  }
  let pair = words[index];
  normals[index] = normal_pair_from_words(pair);
  uniforms[index] = vec2f(uniform_from_word(pair.x), uniform_from_word(pair.y));
}
