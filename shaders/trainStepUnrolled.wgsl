// trainStepUnrolled: bindings 0 params (uniform TrainStepUnrolledParams), 1 points (storage read,
// quads of 4 vec4f: x0, x1, label, mask; training quads first), 2 weights (storage rw, K·P
// copy-major). Layouts: src/core/trainLayout.ts. CPU twin: trainStep in src/core/trainStep.ts.
// Needs shaders/trainCommon.wgsl and shaders/common/activations.wgsl.
//
// The same step as shaders/trainStep.wgsl for small networks, shaped for software adapters: one
// invocation per copy holds every weight, unit value and gradient of its network in a named
// register (SwiftShader turns arrays indexed by loop variables into memory traffic,
// ../shared/ENVIRONMENT.md; ~10x faster than trainStep there), loops over the training quads, then
// updates its weights. No scratch, no barriers. The /*@…*/ markers are filled by
// src/gpu/unrolledNetwork.ts for one layout:
//   load: `let w1_0_0 = weights[base + 0u];` per parameter; sums: `var gw1_0_0 = 0.0;` per parameter
//   forward: z, a, φ' of every unit of the quad (x0, x1), then `logit`; backward: δ of every unit
//   from d_out,
//   and the gradient sums; update: `weights[base + p] = update_param(…)` per parameter

struct TrainStepUnrolledParams {
  copies: u32,
  trainCount: u32,
  trainQuads: u32,
  penalty: u32, // an UPDATE_* code (update_param in shaders/trainCommon.wgsl)
  alpha: f32,
  alphaLambda: f32, // αλ
  decay: f32, // 1 − 2αλ
}

@group(0) @binding(0) var<uniform> params: TrainStepUnrolledParams;
@group(0) @binding(1) var<storage, read> points: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> weights: array<f32>;

override WORKGROUP_SIZE: u32 = 64u;

@compute @workgroup_size(WORKGROUP_SIZE)
fn trainStepUnrolled(@builtin(global_invocation_id) id: vec3u) {
  let copy = id.x;
  if (copy >= params.copies) {
    return;
  }
  let base = copy * PARAM_COUNT;
  let inv_n = 1.0 / f32(params.trainCount);
  /*@load*/
  /*@sums*/
  for (var quad = 0u; quad < params.trainQuads; quad++) {
    let x0 = points[4u * quad];
    let x1 = points[4u * quad + 1u];
    let label = points[4u * quad + 2u];
    let mask = points[4u * quad + 3u];
    /*@forward*/
    let d_out = (train_sigmoid4(logit) - label) * mask * inv_n; // δ[L] = (σ(z) − y)/N, 0 for padding
    /*@backward*/
  }
  /*@update*/
}
