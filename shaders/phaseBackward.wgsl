// phaseBackward: bindings 0 params (uniform), 1 δ[l] (storage read, vec4f), 2 weights (storage read,
// vec4f: the standard-normal W[l] of each copy), 3 cellScales (storage read, vec2f), 4 z[l−1] (storage
// read, vec4f), 5 δ[l−1] (storage rw, vec4f).
// CPU twin: the backward loop of phaseNetwork in src/core/phase.ts. Needs common/activations.wgsl and
// backward_tile / BATCH_TILE from src/gpu/layerTiles.ts, with W indexed by the copy of the init.
// δ[l−1][kc, r, j] = (σ_w/√n) (Σ_i δ[l][kc, r, i] W[copy, i, j]) · φ'(z[l−1][kc, r, j]), one pass over
// all rows i of W (no row blocks: one copy's W fits a binding).

struct PhaseBackwardParams {
  inits: u32,
  copies: u32,
  firstCell: u32,
  batch: u32, // input rows 2B
  batchPadded: u32,
  nIn: u32, // n
  ldIn: u32,
  ldOut: u32,
  rowOffset: u32, // 0
  rowsPadded: u32,
  rowStride: u32,
}

@group(0) @binding(0) var<uniform> params: PhaseBackwardParams;
@group(0) @binding(1) var<storage, read> deltaAbove: array<vec4f>;
@group(0) @binding(2) var<storage, read> weights: array<vec4f>;
@group(0) @binding(3) var<storage, read> cellScales: array<vec2f>;
@group(0) @binding(4) var<storage, read> zBelow: array<vec4f>;
@group(0) @binding(5) var<storage, read_write> deltaBelow: array<vec4f>;

override WORKGROUP_SIZE: u32 = 64u;

@compute @workgroup_size(WORKGROUP_SIZE)
fn phaseBackward(@builtin(global_invocation_id) id: vec3u) {
  let batchTiles = params.batchPadded / BATCH_TILE;
  let colTiles = params.ldIn / 16u;
  let index = id.y * params.rowStride + id.x;
  if (index >= params.inits * batchTiles * colTiles) {
    return;
  }
  let kc = index / (batchTiles * colTiles);
  let b0 = BATCH_TILE * ((index / colTiles) % batchTiles);
  let jv = 4u * (index % colTiles);
  backward_tile(kc, b0, jv);
}

fn store_tile_column(kc: u32, b: u32, jv: u32, partial: vec4f) {
  if (b >= params.batch) {
    return;
  }
  let at = (kc * params.batchPadded + b) * (params.ldIn / 4u) + jv;
  let weightStd = cellScales[params.firstCell + kc / params.copies].x;
  let j0 = 4u * jv;
  let live = vec4<bool>(j0 < params.nIn, j0 + 1u < params.nIn, j0 + 2u < params.nIn, j0 + 3u < params.nIn);
  deltaBelow[at] = select(vec4f(0.0), weightStd * partial * phi_prime4(zBelow[at]), live);
}
