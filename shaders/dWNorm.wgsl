// dWNorm: bindings 0 params (uniform), 1 δ[l] (storage read, f32), 2 a[l−1] (storage read, f32),
// 3 partials (storage rw, f32). CPU twin: dWNormSquared in src/core/initStats.ts.
// ‖Σ_b δ_b a_bᵀ‖_F² = Σ_{b,c} (δ_b·δ_c)(a_b·a_c) without forming the nOut×nIn matrix.
// One workgroup per (init kc, row b) sums over c and writes one partial; the CPU adds the B partials
// of an init in f64 and divides by B² (the loss averages over the batch). Values are scaled by
// powers of two (deltaScale, aScale) so the products stay inside f32; the CPU undoes them.

struct NormParams {
  inits: u32,
  batch: u32,
  batchPadded: u32,
  nOut: u32,
  ldOut: u32,
  nIn: u32,
  ldIn: u32,
  deltaScale: f32,
  aScale: f32,
  groupsX: u32,
  partialOffset: u32,
}

const WORKGROUP: u32 = 64u;

@group(0) @binding(0) var<uniform> params: NormParams;
@group(0) @binding(1) var<storage, read> delta: array<f32>;
@group(0) @binding(2) var<storage, read> below: array<f32>;
@group(0) @binding(3) var<storage, read_write> partials: array<f32>;

var<workgroup> partialShared: array<f32, WORKGROUP>;

@compute @workgroup_size(WORKGROUP)
fn dWNorm(@builtin(workgroup_id) group: vec3u, @builtin(local_invocation_index) lane: u32) {
  let row = group.y * params.groupsX + group.x;
  if (row >= params.inits * params.batch) {
    return;
  }
  let kc = row / params.batch;
  let b = row % params.batch;
  let deltaB = (kc * params.batchPadded + b) * params.ldOut;
  let belowB = (kc * params.batchPadded + b) * params.ldIn;
  var total = 0.0;
  for (var c = lane; c < params.batch; c += WORKGROUP) {
    let deltaC = (kc * params.batchPadded + c) * params.ldOut;
    let belowC = (kc * params.batchPadded + c) * params.ldIn;
    var deltaDot = 0.0;
    for (var i = 0u; i < params.nOut; i++) {
      deltaDot += (delta[deltaB + i] * params.deltaScale) * (delta[deltaC + i] * params.deltaScale);
    }
    var belowDot = 0.0;
    for (var j = 0u; j < params.nIn; j++) {
      belowDot += (below[belowB + j] * params.aScale) * (below[belowC + j] * params.aScale);
    }
    total += deltaDot * belowDot;
  }
  partialShared[lane] = total;
  workgroupBarrier();
  for (var stride = WORKGROUP / 2u; stride > 0u; stride /= 2u) {
    if (lane < stride) {
      partialShared[lane] += partialShared[lane + stride];
    }
    workgroupBarrier();
  }
  if (lane == 0u) {
    partials[params.partialOffset + row] = partialShared[0];
  }
}
