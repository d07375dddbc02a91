// layerForward: bindings 0 params (uniform), 1 input a[l−1] (storage read, vec4f), 2 weights
// (storage read, vec4f), 3 bias (storage read, f32), 4 z[l] (storage rw, f32), 5 a[l] (storage rw, f32).
// CPU twin: the forward loop of initPass in src/core/initStats.ts. Needs common/activations.wgsl.
// z[kc, b, i] = Σ_j a[kc, b, j] · W[kc, i, j] + bias[kc, i];  a = φ(z), for a block of output rows
// i ∈ [rowOffset, rowOffset + rowsPadded). Each invocation computes a 4×4 tile (4 inputs b × 4 units i)
// with four named vec4 accumulators: SwiftShader spills indexed private arrays to memory
// (../shared/ENVIRONMENT.md), named registers stay in registers. Rows are padded to multiples of
// 4 (ld) with zeros, so the inner loop needs no bounds checks.

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
  let unitTiles = params.rowsPadded / 4u;
  let index = id.y * params.rowStride + id.x;
  if (index >= params.inits * batchTiles * unitTiles) {
    return;
  }
  let kc = index / (batchTiles * unitTiles);
  let b0 = 4u * ((index / unitTiles) % batchTiles);
  let r0 = 4u * (index % unitTiles); // row within the weight block
  let vecsIn = params.ldIn / 4u;
  let aRow = (kc * params.batchPadded + b0) * vecsIn;
  let wRow = (kc * params.rowsPadded + r0) * vecsIn;

  var acc0 = vec4f(0.0);
  var acc1 = vec4f(0.0);
  var acc2 = vec4f(0.0);
  var acc3 = vec4f(0.0);
  for (var jv = 0u; jv < vecsIn; jv++) {
    let a0 = below[aRow + jv];
    let a1 = below[aRow + vecsIn + jv];
    let a2 = below[aRow + 2u * vecsIn + jv];
    let a3 = below[aRow + 3u * vecsIn + jv];
    let w0 = weights[wRow + jv];
    let w1 = weights[wRow + vecsIn + jv];
    let w2 = weights[wRow + 2u * vecsIn + jv];
    let w3 = weights[wRow + 3u * vecsIn + jv];
    acc0 += vec4f(dot(a0, w0), dot(a0, w1), dot(a0, w2), dot(a0, w3));
    acc1 += vec4f(dot(a1, w0), dot(a1, w1), dot(a1, w2), dot(a1, w3));
    acc2 += vec4f(dot(a2, w0), dot(a2, w1), dot(a2, w2), dot(a2, w3));
    acc3 += vec4f(dot(a3, w0), dot(a3, w1), dot(a3, w2), dot(a3, w3));
  }

  let i0 = params.rowOffset + r0;
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
