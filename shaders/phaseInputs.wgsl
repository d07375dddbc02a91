// phaseInputs: bindings 0 params (uniform), 1 inputs (storage rw, f32, [copy][row][ld]).
// CPU twin: phaseInputs in src/core/phase.ts. The 2B rows of each copy hold standard normals drawn by
// initWeights (inputs stream); pair p's second row becomes x₂ = c₀ x₁ + √(1 − c₀²) ξ in place, so the
// two rows of a pair have correlation c₀. One invocation per (copy, pair, unit j).

struct InputsParams {
  copies: u32,
  pairs: u32, // B
  batchPadded: u32, // rows per copy (≥ 2B)
  n: u32,
  ld: u32,
  c0: f32,
  mix: f32, // √(1 − c₀²)
  rowStride: u32,
}

@group(0) @binding(0) var<uniform> params: InputsParams;
@group(0) @binding(1) var<storage, read_write> inputs: array<f32>;

override WORKGROUP_SIZE: u32 = 64u;

@compute @workgroup_size(WORKGROUP_SIZE)
fn phaseInputs(@builtin(global_invocation_id) id: vec3u) {
  let index = id.y * params.rowStride + id.x;
  if (index >= params.copies * params.pairs * params.n) {
    return;
  }
  let j = index % params.n;
  let p = (index / params.n) % params.pairs;
  let copy = index / (params.n * params.pairs);
  let first = (copy * params.batchPadded + 2u * p) * params.ld + j;
  let second = first + params.ld;
  inputs[second] = params.c0 * inputs[first] + params.mix * inputs[second];
}
