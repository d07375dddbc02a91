// dWNorm: bindings 0 params (uniform), 1 δ[l] (storage read, vec4f), 2 a[l−1] (storage read, vec4f),
// 3 partials (storage rw, f32). CPU twin: dWNormSquared in src/core/initStats.ts.
// ‖Σ_b δ_b a_bᵀ‖_F² = Σ_{b,c} (δ_b·δ_c)(a_b·a_c) without forming the nOut×nIn matrix. The sum is
// symmetric in (b, c): one invocation per pair c ≥ b (off-diagonal pairs counted twice), vec4 loads
// (rows are zero-padded to multiples of 4), and each workgroup of 64 pairs of one init writes one
// partial that the CPU adds in f64 and divides by B² (the loss averages over the batch). Values are
// scaled by powers of two (deltaScale, aScale) so the products stay inside f32; the CPU undoes them.

struct NormParams {
  inits: u32,
  batch: u32,
  batchPadded: u32,
  vecsOut: u32, // ldOut / 4
  vecsIn: u32, // ldIn / 4
  groupsPerInit: u32, // ceil(batch² / 64)
  deltaScale: f32,
  aScale: f32,
  groupsX: u32,
  partialOffset: u32,
}

const WORKGROUP: u32 = 64u;

@group(0) @binding(0) var<uniform> params: NormParams;
@group(0) @binding(1) var<storage, read> delta: array<vec4f>;
@group(0) @binding(2) var<storage, read> below: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> partials: array<f32>;

var<workgroup> partialShared: array<f32, WORKGROUP>;

@compute @workgroup_size(WORKGROUP)
fn dWNorm(@builtin(workgroup_id) group: vec3u, @builtin(local_invocation_index) lane: u32) {
  let flatGroup = group.y * params.groupsX + group.x;
  if (flatGroup >= params.inits * params.groupsPerInit) {
    return;
  }
  let kc = flatGroup / params.groupsPerInit;
  let pair = (flatGroup % params.groupsPerInit) * WORKGROUP + lane;
  let b = pair / params.batch;
  let c = pair % params.batch;
  var product = 0.0;
  if (b < params.batch && c >= b) {
    let deltaB = (kc * params.batchPadded + b) * params.vecsOut;
    let deltaC = (kc * params.batchPadded + c) * params.vecsOut;
    var deltaDot = 0.0;
    for (var i = 0u; i < params.vecsOut; i++) {
      deltaDot += dot(delta[deltaB + i] * params.deltaScale, delta[deltaC + i] * params.deltaScale);
    }
    let belowB = (kc * params.batchPadded + b) * params.vecsIn;
    let belowC = (kc * params.batchPadded + c) * params.vecsIn;
    var belowDot = 0.0;
    for (var j = 0u; j < params.vecsIn; j++) {
      belowDot += dot(below[belowB + j] * params.aScale, below[belowC + j] * params.aScale);
    }
    product = select(2.0, 1.0, c == b) * deltaDot * belowDot;
  }
  partialShared[lane] = product;
  workgroupBarrier();
  for (var stride = WORKGROUP / 2u; stride > 0u; stride /= 2u) {
    if (lane < stride) {
      partialShared[lane] += partialShared[lane + stride];
    }
    workgroupBarrier();
  }
  if (lane == 0u) {
    partials[params.partialOffset + flatGroup] = partialShared[0];
  }
}
