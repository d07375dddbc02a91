// rngWords: bindings 0 params (uniform), 1 words (storage rw, vec2u per counter),
// 2 normals (storage rw, vec2f per counter). CPU twin: rngWords in src/core/rng.ts.
// Needs shaders/common/rng.wgsl (composed by src/gpu/shaderSource.ts).

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

override WORKGROUP_SIZE: u32 = 64u;

@compute @workgroup_size(WORKGROUP_SIZE)
fn rngWords(@builtin(global_invocation_id) id: vec3u) {
  let index = id.y * params.rowStride + id.x;
  if (index >= params.count) {
    return;
  }
  let pair = threefry2x32(params.seed, params.key1, params.counter0, params.firstCounter1 + index);
  words[index] = pair;
  normals[index] = normal_pair_from_words(pair);
}
