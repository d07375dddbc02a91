// gridPenalty: bindings 0 params (uniform), 1 dataLoss (storage read, f32, index j·G + i),
// 2 penalized (storage rw, f32, same layout). CPU twin: gridPenalty in src/core/gridLoss.ts.
// penalized = J + l1·(|w1| + |w2|) + l2·(w1² + w2²), with (l1, l2) from penaltyWeights (no ½ on L2).
// The cheap second pass: moving λ, the elastic mix or the penalty reruns only this, never gridLoss.
// Non-finite J passes through (Inf + finite = Inf, NaN stays NaN); gridArgmin ignores those cells.

struct GridPenaltyParams {
  w1Min: f32,
  w1Step: f32, // (w1Max − w1Min) / (G − 1)
  w2Min: f32,
  w2Step: f32,
  G: u32,
  rowStride: u32, // invocations per row of the 2D dispatch
  l1: f32,
  l2: f32,
}

@group(0) @binding(0) var<uniform> params: GridPenaltyParams;
@group(0) @binding(1) var<storage, read> dataLoss: array<f32>;
@group(0) @binding(2) var<storage, read_write> penalized: array<f32>;

override WORKGROUP_SIZE: u32 = 64u;

@compute @workgroup_size(WORKGROUP_SIZE)
fn gridPenalty(@builtin(global_invocation_id) id: vec3u) {
  let G = params.G;
  let index = id.y * params.rowStride + id.x;
  if (index >= G * G) {
    return;
  }
  let i = index % G;
  let j = index / G;
  // The same f32 grid weights as shaders/gridLoss.wgsl.
  let w1 = params.w1Min + f32(i) * params.w1Step;
  let w2 = params.w2Min + f32(j) * params.w2Step;
  penalized[index] = dataLoss[index] + params.l1 * (abs(w1) + abs(w2)) + params.l2 * (w1 * w1 + w2 * w2);
}
