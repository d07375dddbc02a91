// layerBackward: bindings 0 params (uniform), 1 δ[l] (storage read, vec4f), 2 weights (storage
// read, vec4f), 3 z[l−1] (storage read, vec4f), 4 δ[l−1] (storage rw, vec4f).
// CPU twin: the backward loop of initPass in src/core/initStats.ts. Needs common/activations.wgsl.
// δ[l−1][kc, b, j] = (Σ_i δ[l][kc, b, i] · W[kc, i, j]) · φ'(z[l−1][kc, b, j]), over weight blocks of
// rows i ∈ [rowOffset, rowOffset + rowsPadded): the first block writes the partial sum, later blocks
// add to it (accumulate), the last one multiplies by φ' (finalize). 4×16 tiles (4 b × 16 j, rows
// padded to 16) in sixteen named vec4 accumulators, as in layerForward.

struct BackwardParams {
  inits: u32,
  batch: u32,
  batchPadded: u32,
  nIn: u32, // width of layer l−1 (the output of this pass)
  ldIn: u32,
  ldOut: u32, // row stride of δ[l]
  rowOffset: u32,
  rowsPadded: u32,
  accumulate: u32,
  finalize: u32,
  rowStride: u32,
}

@group(0) @binding(0) var<uniform> params: BackwardParams;
@group(0) @binding(1) var<storage, read> deltaAbove: array<vec4f>;
@group(0) @binding(2) var<storage, read> weights: array<vec4f>;
@group(0) @binding(3) var<storage, read> zBelow: array<vec4f>;
@group(0) @binding(4) var<storage, read_write> deltaBelow: array<vec4f>;

override WORKGROUP_SIZE: u32 = 64u;

@compute @workgroup_size(WORKGROUP_SIZE)
fn layerBackward(@builtin(global_invocation_id) id: vec3u) {
  let batchTiles = params.batchPadded / 4u;
  let colTiles = params.ldIn / 16u;
  let index = id.y * params.rowStride + id.x;
  if (index >= params.inits * batchTiles * colTiles) {
    return;
  }
  let kc = index / (batchTiles * colTiles);
  let b0 = 4u * ((index / colTiles) % batchTiles);
  let jv = 4u * (index % colTiles); // first of the four vec4 columns of this tile
  let vecsIn = params.ldIn / 4u;
  let vecsOut = params.ldOut / 4u;
  let dRow = (kc * params.batchPadded + b0) * vecsOut + params.rowOffset / 4u;
  let wBase = kc * params.rowsPadded * vecsIn + jv;

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
  // Weight rows are padded to 16 but δ rows only to 4: stop at the end of δ's row.
  let rowsHere = min(params.rowsPadded, params.ldOut - params.rowOffset);
  for (var iv = 0u; iv < rowsHere / 4u; iv++) {
    let d0 = deltaAbove[dRow + 0u * vecsOut + iv];
    let d1 = deltaAbove[dRow + 1u * vecsOut + iv];
    let d2 = deltaAbove[dRow + 2u * vecsOut + iv];
    let d3 = deltaAbove[dRow + 3u * vecsOut + iv];
    let w = wBase + 4u * iv * vecsIn;
    let w0_0 = weights[w + 0u * vecsIn + 0u];
    let w0_1 = weights[w + 0u * vecsIn + 1u];
    let w0_2 = weights[w + 0u * vecsIn + 2u];
    let w0_3 = weights[w + 0u * vecsIn + 3u];
    let w1_0 = weights[w + 1u * vecsIn + 0u];
    let w1_1 = weights[w + 1u * vecsIn + 1u];
    let w1_2 = weights[w + 1u * vecsIn + 2u];
    let w1_3 = weights[w + 1u * vecsIn + 3u];
    let w2_0 = weights[w + 2u * vecsIn + 0u];
    let w2_1 = weights[w + 2u * vecsIn + 1u];
    let w2_2 = weights[w + 2u * vecsIn + 2u];
    let w2_3 = weights[w + 2u * vecsIn + 3u];
    let w3_0 = weights[w + 3u * vecsIn + 0u];
    let w3_1 = weights[w + 3u * vecsIn + 1u];
    let w3_2 = weights[w + 3u * vecsIn + 2u];
    let w3_3 = weights[w + 3u * vecsIn + 3u];
    acc0_0 += d0.x * w0_0 + d0.y * w1_0 + d0.z * w2_0 + d0.w * w3_0;
    acc0_1 += d0.x * w0_1 + d0.y * w1_1 + d0.z * w2_1 + d0.w * w3_1;
    acc0_2 += d0.x * w0_2 + d0.y * w1_2 + d0.z * w2_2 + d0.w * w3_2;
    acc0_3 += d0.x * w0_3 + d0.y * w1_3 + d0.z * w2_3 + d0.w * w3_3;
    acc1_0 += d1.x * w0_0 + d1.y * w1_0 + d1.z * w2_0 + d1.w * w3_0;
    acc1_1 += d1.x * w0_1 + d1.y * w1_1 + d1.z * w2_1 + d1.w * w3_1;
    acc1_2 += d1.x * w0_2 + d1.y * w1_2 + d1.z * w2_2 + d1.w * w3_2;
    acc1_3 += d1.x * w0_3 + d1.y * w1_3 + d1.z * w2_3 + d1.w * w3_3;
    acc2_0 += d2.x * w0_0 + d2.y * w1_0 + d2.z * w2_0 + d2.w * w3_0;
    acc2_1 += d2.x * w0_1 + d2.y * w1_1 + d2.z * w2_1 + d2.w * w3_1;
    acc2_2 += d2.x * w0_2 + d2.y * w1_2 + d2.z * w2_2 + d2.w * w3_2;
    acc2_3 += d2.x * w0_3 + d2.y * w1_3 + d2.z * w2_3 + d2.w * w3_3;
    acc3_0 += d3.x * w0_0 + d3.y * w1_0 + d3.z * w2_0 + d3.w * w3_0;
    acc3_1 += d3.x * w0_1 + d3.y * w1_1 + d3.z * w2_1 + d3.w * w3_1;
    acc3_2 += d3.x * w0_2 + d3.y * w1_2 + d3.z * w2_2 + d3.w * w3_2;
    acc3_3 += d3.x * w0_3 + d3.y * w1_3 + d3.z * w2_3 + d3.w * w3_3;
  }
  store_tile_column(kc, b0 + 0u, jv + 0u, acc0_0);
  store_tile_column(kc, b0 + 0u, jv + 1u, acc0_1);
  store_tile_column(kc, b0 + 0u, jv + 2u, acc0_2);
  store_tile_column(kc, b0 + 0u, jv + 3u, acc0_3);
  store_tile_column(kc, b0 + 1u, jv + 0u, acc1_0);
  store_tile_column(kc, b0 + 1u, jv + 1u, acc1_1);
  store_tile_column(kc, b0 + 1u, jv + 2u, acc1_2);
  store_tile_column(kc, b0 + 1u, jv + 3u, acc1_3);
  store_tile_column(kc, b0 + 2u, jv + 0u, acc2_0);
  store_tile_column(kc, b0 + 2u, jv + 1u, acc2_1);
  store_tile_column(kc, b0 + 2u, jv + 2u, acc2_2);
  store_tile_column(kc, b0 + 2u, jv + 3u, acc2_3);
  store_tile_column(kc, b0 + 3u, jv + 0u, acc3_0);
  store_tile_column(kc, b0 + 3u, jv + 1u, acc3_1);
  store_tile_column(kc, b0 + 3u, jv + 2u, acc3_2);
  store_tile_column(kc, b0 + 3u, jv + 3u, acc3_3);
}

fn store_tile_column(kc: u32, b: u32, jv: u32, partial: vec4f) {
  if (b >= params.batch) {
    return;
  }
  let at = (kc * params.batchPadded + b) * (params.ldIn / 4u) + jv;
  var sum = partial;
  if (params.accumulate == 1u) {
    sum += deltaBelow[at];
  }
  if (params.finalize == 1u) {
    let j0 = 4u * jv;
    let live = vec4<bool>(j0 < params.nIn, j0 + 1u < params.nIn, j0 + 2u < params.nIn, j0 + 3u < params.nIn);
    sum = select(vec4f(0.0), sum * phi_prime4(zBelow[at]), live);
  }
  deltaBelow[at] = sum;
}
