// layerForward: bindings 0 params (uniform), 1 input a[l−1] (storage read, vec4f), 2 weights
// (storage read, vec4f), 3 bias (storage read, f32), 4 z[l] (storage rw, f32), 5 a[l] (storage rw, f32).
// CPU twin: the forward loop of initPass in src/core/initStats.ts. Needs common/activations.wgsl.
// z[kc, b, i] = Σ_j a[kc, b, j] · W[kc, i, j] + bias[kc, i];  a = φ(z), for a block of output rows
// i ∈ [rowOffset, rowOffset + rowsPadded). Each invocation computes a 4×16 tile (4 inputs b × 16 units i,
// weight rows padded to 16) in sixteen named vec4 accumulators: SwiftShader spills indexed private
// arrays to memory (../shared/ENVIRONMENT.md), named registers stay in registers; 4×16 ran 1.4× faster
// than 4×4 on SwiftShader. Rows are padded with zeros (ld to 4, W rows to 16), so the inner loop
// needs no bounds checks.

struct LayerParams {
  inits: u32,
  batch: u32,
  batchPadded: u32,
  nIn: u32,
  ldIn: u32,
  nOut: u32,
  ldOut: u32,
  rowOffset: u32,
  rowsPadded: u32, // rows of this weight block (multiple of 4)
  rowStride: u32,
}

@group(0) @binding(0) var<uniform> params: LayerParams;
@group(0) @binding(1) var<storage, read> below: array<vec4f>;
@group(0) @binding(2) var<storage, read> weights: array<vec4f>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> z: array<f32>;
@group(0) @binding(5) var<storage, read_write> a: array<f32>;

override WORKGROUP_SIZE: u32 = 64u;

@compute @workgroup_size(WORKGROUP_SIZE)
fn layerForward(@builtin(global_invocation_id) id: vec3u) {
  let batchTiles = params.batchPadded / 4u;
  let unitTiles = params.rowsPadded / 16u;
  let index = id.y * params.rowStride + id.x;
  if (index >= params.inits * batchTiles * unitTiles) {
    return;
  }
  let kc = index / (batchTiles * unitTiles);
  let b0 = 4u * ((index / unitTiles) % batchTiles);
  let r0 = 16u * (index % unitTiles); // row within the weight block
  let vecsIn = params.ldIn / 4u;
  let aRow = (kc * params.batchPadded + b0) * vecsIn;
  let wRow = (kc * params.rowsPadded + r0) * vecsIn;

  var acc0_0 = vec4f(0.0);
  var acc0_1 = vec4f(0.0);
  var acc0_2 = vec4f(0.0);
  var acc0_3 = vec4f(0.0);
  var acc1_0 = vec4f(0.0);
  var acc1_1 = vec4f(0.0);
  var acc1_2 = vec4f(0.0);
  var acc1_3 = vec4f(0.0);
  var acc2_0 = vec4f(0.0);
  var acc2_1 = vec4f(0.0);
  var acc2_2 = vec4f(0.0);
  var acc2_3 = vec4f(0.0);
  var acc3_0 = vec4f(0.0);
  var acc3_1 = vec4f(0.0);
  var acc3_2 = vec4f(0.0);
  var acc3_3 = vec4f(0.0);
  for (var jv = 0u; jv < vecsIn; jv++) {
    let a0 = below[aRow + 0u * vecsIn + jv];
    let a1 = below[aRow + 1u * vecsIn + jv];
    let a2 = below[aRow + 2u * vecsIn + jv];
    let a3 = below[aRow + 3u * vecsIn + jv];
    let w0 = weights[wRow + 0u * vecsIn + jv];
    let w1 = weights[wRow + 1u * vecsIn + jv];
    let w2 = weights[wRow + 2u * vecsIn + jv];
    let w3 = weights[wRow + 3u * vecsIn + jv];
    let w4 = weights[wRow + 4u * vecsIn + jv];
    let w5 = weights[wRow + 5u * vecsIn + jv];
    let w6 = weights[wRow + 6u * vecsIn + jv];
    let w7 = weights[wRow + 7u * vecsIn + jv];
    let w8 = weights[wRow + 8u * vecsIn + jv];
    let w9 = weights[wRow + 9u * vecsIn + jv];
    let w10 = weights[wRow + 10u * vecsIn + jv];
    let w11 = weights[wRow + 11u * vecsIn + jv];
    let w12 = weights[wRow + 12u * vecsIn + jv];
    let w13 = weights[wRow + 13u * vecsIn + jv];
    let w14 = weights[wRow + 14u * vecsIn + jv];
    let w15 = weights[wRow + 15u * vecsIn + jv];
    acc0_0 += vec4f(dot(a0, w0), dot(a0, w1), dot(a0, w2), dot(a0, w3));
    acc0_1 += vec4f(dot(a0, w4), dot(a0, w5), dot(a0, w6), dot(a0, w7));
    acc0_2 += vec4f(dot(a0, w8), dot(a0, w9), dot(a0, w10), dot(a0, w11));
    acc0_3 += vec4f(dot(a0, w12), dot(a0, w13), dot(a0, w14), dot(a0, w15));
    acc1_0 += vec4f(dot(a1, w0), dot(a1, w1), dot(a1, w2), dot(a1, w3));
    acc1_1 += vec4f(dot(a1, w4), dot(a1, w5), dot(a1, w6), dot(a1, w7));
    acc1_2 += vec4f(dot(a1, w8), dot(a1, w9), dot(a1, w10), dot(a1, w11));
    acc1_3 += vec4f(dot(a1, w12), dot(a1, w13), dot(a1, w14), dot(a1, w15));
    acc2_0 += vec4f(dot(a2, w0), dot(a2, w1), dot(a2, w2), dot(a2, w3));
    acc2_1 += vec4f(dot(a2, w4), dot(a2, w5), dot(a2, w6), dot(a2, w7));
    acc2_2 += vec4f(dot(a2, w8), dot(a2, w9), dot(a2, w10), dot(a2, w11));
    acc2_3 += vec4f(dot(a2, w12), dot(a2, w13), dot(a2, w14), dot(a2, w15));
    acc3_0 += vec4f(dot(a3, w0), dot(a3, w1), dot(a3, w2), dot(a3, w3));
    acc3_1 += vec4f(dot(a3, w4), dot(a3, w5), dot(a3, w6), dot(a3, w7));
    acc3_2 += vec4f(dot(a3, w8), dot(a3, w9), dot(a3, w10), dot(a3, w11));
    acc3_3 += vec4f(dot(a3, w12), dot(a3, w13), dot(a3, w14), dot(a3, w15));
  }
  let base = params.rowOffset + r0;
  store_tile(kc, b0, base + 0u, acc0_0, acc1_0, acc2_0, acc3_0);
  store_tile(kc, b0, base + 4u, acc0_1, acc1_1, acc2_1, acc3_1);
  store_tile(kc, b0, base + 8u, acc0_2, acc1_2, acc2_2, acc3_2);
  store_tile(kc, b0, base + 12u, acc0_3, acc1_3, acc2_3, acc3_3);
}

fn store_tile(kc: u32, b0: u32, i0: u32, acc0: vec4f, acc1: vec4f, acc2: vec4f, acc3: vec4f) {
  if (i0 >= params.ldOut) {
    return;
  }
  let biasTile = vec4f(bias[kc * params.ldOut + i0], bias[kc * params.ldOut + i0 + 1u], bias[kc * params.ldOut + i0 + 2u], bias[kc * params.ldOut + i0 + 3u]);
  // Padded units (i ≥ nOut) are written as 0 so the next layer's padded columns stay 0.
  let live = vec4<bool>(i0 < params.nOut, i0 + 1u < params.nOut, i0 + 2u < params.nOut, i0 + 3u < params.nOut);
  store_tile_row(kc, b0, i0, acc0 + biasTile, live);
  store_tile_row(kc, b0 + 1u, i0, acc1 + biasTile, live);
  store_tile_row(kc, b0 + 2u, i0, acc2 + biasTile, live);
  store_tile_row(kc, b0 + 3u, i0, acc3 + biasTile, live);
}

fn store_tile_row(kc: u32, b: u32, i0: u32, zTile: vec4f, live: vec4<bool>) {
  if (b >= params.batch || i0 >= params.ldOut) {
    return;
  }
  let zValues = select(vec4f(0.0), zTile, live);
  let aValues = select(vec4f(0.0), phi4(zTile), live);
  let base = (kc * params.batchPadded + b) * params.ldOut + i0;
  for (var u = 0u; u < 4u; u++) {
    z[base + u] = zValues[u];
    a[base + u] = aValues[u];
  }
}
