// phaseForward: bindings 0 params (uniform), 1 below a[l−1] (storage read, vec4f), 2 weights (storage
// read, vec4f: the standard-normal W[l] of each copy), 3 bias (storage read, f32: the standard-normal
// b[l] of each copy), 4 cellScales (storage read, vec2f: σ_w/√n and σ_b of each cell), 5 z[l] (storage
// rw, vec4f), 6 a[l] (storage rw, vec4f).
// CPU twin: the forward loop of phaseNetwork in src/core/phase.ts. Needs common/activations.wgsl and
// forward_tile / BATCH_TILE from src/gpu/layerTiles.ts, with W indexed by the copy of the init.
// Init kc = cellInChunk · copies + copyInChunk (copies: those of the chunk); every cell scales the same
// draws of its copy: z[kc, r, i] = (σ_w/√n) Σ_j W[copy, i, j] a[kc, r, j] + σ_b b[copy, i], a = φ(z).
// At layer 1 the input a[0] is the copy's (belowPerCopy = 1), above it each init's own.

struct PhaseLayerParams {
  inits: u32,
  copies: u32,
  firstCell: u32,
  batch: u32, // input rows 2B
  batchPadded: u32,
  nOut: u32, // n
  ldIn: u32,
  ldOut: u32,
  rowOffset: u32, // 0: W is never cut into row blocks here (one copy's W fits a binding)
  rowsPadded: u32, // rows of W per copy (n padded to 16)
  belowPerCopy: u32,
  rowStride: u32,
}

@group(0) @binding(0) var<uniform> params: PhaseLayerParams;
@group(0) @binding(1) var<storage, read> below: array<vec4f>;
@group(0) @binding(2) var<storage, read> weights: array<vec4f>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read> cellScales: array<vec2f>;
@group(0) @binding(5) var<storage, read_write> z: array<vec4f>;
@group(0) @binding(6) var<storage, read_write> a: array<vec4f>;

override WORKGROUP_SIZE: u32 = 64u;

fn copy_of(kc: u32) -> u32 {
  return kc % params.copies;
}

fn below_of(kc: u32) -> u32 {
  return select(kc, kc % params.copies, params.belowPerCopy == 1u);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn phaseForward(@builtin(global_invocation_id) id: vec3u) {
  let batchTiles = params.batchPadded / BATCH_TILE;
  let unitTiles = params.rowsPadded / 16u;
  let index = id.y * params.rowStride + id.x;
  if (index >= params.inits * batchTiles * unitTiles) {
    return;
  }
  let kc = index / (batchTiles * unitTiles);
  let b0 = BATCH_TILE * ((index / unitTiles) % batchTiles);
  let r0 = 16u * (index % unitTiles);
  forward_tile(kc, b0, r0);
}

fn store_units(kc: u32, b: u32, i0: u32, acc0: vec4f, acc1: vec4f, acc2: vec4f, acc3: vec4f) {
  if (b >= params.batch) {
    return;
  }
  let scales = cellScales[params.firstCell + kc / params.copies];
  store_quad(kc, b, i0, acc0, scales);
  store_quad(kc, b, i0 + 4u, acc1, scales);
  store_quad(kc, b, i0 + 8u, acc2, scales);
  store_quad(kc, b, i0 + 12u, acc3, scales);
}

fn store_quad(kc: u32, b: u32, i0: u32, acc: vec4f, scales: vec2f) {
  if (i0 >= params.ldOut) {
    return;
  }
  let biasRow = copy_of(kc) * params.ldOut + i0;
  let drawn = vec4f(bias[biasRow], bias[biasRow + 1u], bias[biasRow + 2u], bias[biasRow + 3u]);
  let zTile = scales.x * acc + scales.y * drawn;
  // Padded units (i ≥ n) are written as 0 so the next layer's padded columns stay 0.
  let live = vec4<bool>(i0 < params.nOut, i0 + 1u < params.nOut, i0 + 2u < params.nOut, i0 + 3u < params.nOut);
  let at = ((kc * params.batchPadded + b) * params.ldOut + i0) / 4u;
  z[at] = select(vec4f(0.0), zTile, live);
  a[at] = select(vec4f(0.0), phi4(zTile), live);
}
