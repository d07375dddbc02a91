// layerBackward: bindings 0 params (uniform), 1 δ[l] (storage read, vec4f), 2 weights (storage
// read, vec4f), 3 z[l−1] (storage read, vec4f), 4 δ[l−1] (storage rw, vec4f).
// CPU twin: the backward loop of initPass in src/core/initStats.ts. Needs common/activations.wgsl.
// δ[l−1][kc, b, j] = (Σ_i δ[l][kc, b, i] · W[kc, i, j]) · φ'(z[l−1][kc, b, j]), over weight blocks of
// rows i ∈ [rowOffset, rowOffset + rowsPadded): the first block writes the partial sum, later blocks
// add to it (accumulate), the last one multiplies by φ' (finalize). The entry point `layerBackward` and its
// tile are written out per kernel family and batch tile, as for layerForward: software BATCH_TILE × 16
// tiles (batch rows b × 16 columns j, src/gpu/layerTiles.ts), hardware BATCH_TILE × 64 workgroup blocks
// (src/gpu/hardwareTiles.ts); both store through store_tile_column.

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
  rowStride: u32, // invocations (software) or workgroups (hardware) per row of the 2D dispatch grid
  // The stream of W[l] (used by the hardware family when it draws W in place, FUSED_WEIGHTS):
  seed: u32,
  key1: u32,
  firstInit: u32,
  factor: f32,
  nOut: u32, // width of layer l (the rows of W)
}

@group(0) @binding(0) var<uniform> params: BackwardParams;
@group(0) @binding(1) var<storage, read> deltaAbove: array<vec4f>;
@group(0) @binding(2) var<storage, read> weights: array<vec4f>;
@group(0) @binding(3) var<storage, read> zBelow: array<vec4f>;
@group(0) @binding(4) var<storage, read_write> deltaBelow: array<vec4f>;

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
