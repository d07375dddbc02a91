// layerForward: bindings 0 params (uniform), 1 input a[l−1] (storage read, vec4f), 2 weights
// (storage read, vec4f), 3 bias (storage read, f32), 4 z[l] (storage rw, vec4f), 5 a[l] (storage rw, vec4f).
// CPU twin: the forward loop of initPass in src/core/initStats.ts. Needs common/activations.wgsl, and the
// entry point `layerForward` with its tile, written out per kernel family and batch tile:
// - software (src/gpu/layerTiles.ts): each invocation computes a BATCH_TILE × 16 tile (batch rows b ×
//   units i) straight from storage, stored by store_units;
// - hardware (src/gpu/hardwareTiles.ts): a workgroup computes BATCH_TILE × 64 from slabs staged in
//   workgroup memory, stored unit by unit by store_unit.
// z[kc, b, i] = Σ_j a[kc, b, j] · W[kc, i, j] + bias[kc, i];  a = φ(z), for a block of output rows
// i ∈ [rowOffset, rowOffset + rowsPadded). Rows are padded with zeros (batch to BATCH_TILE, W rows to
// 16, ld to 16), so the software tile's inner loop needs no bounds checks.

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
  rowStride: u32, // invocations (software) or workgroups (hardware) per row of the 2D dispatch grid
  // The stream of W[l] (used by the hardware family when it draws W in place, FUSED_WEIGHTS):
  seed: u32,
  key1: u32,
  firstInit: u32,
  factor: f32,
}

@group(0) @binding(0) var<uniform> params: LayerParams;
@group(0) @binding(1) var<storage, read> below: array<vec4f>;
@group(0) @binding(2) var<storage, read> weights: array<vec4f>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> z: array<vec4f>;
@group(0) @binding(5) var<storage, read_write> a: array<vec4f>;

// One batch row b of a tile: four vec4s of units i0.. (bias added, φ applied, padded units written as 0).
fn store_units(kc: u32, b: u32, i0: u32, acc0: vec4f, acc1: vec4f, acc2: vec4f, acc3: vec4f) {
  if (b >= params.batch) {
    return;
  }
  store_quad(kc, b, i0, acc0);
  store_quad(kc, b, i0 + 4u, acc1);
  store_quad(kc, b, i0 + 8u, acc2);
  store_quad(kc, b, i0 + 12u, acc3);
}

fn store_quad(kc: u32, b: u32, i0: u32, acc: vec4f) {
  if (i0 >= params.ldOut) {
    return;
  }
  let biasRow = kc * params.ldOut + i0;
  let zTile = acc + vec4f(bias[biasRow], bias[biasRow + 1u], bias[biasRow + 2u], bias[biasRow + 3u]);
  // Padded units (i ≥ nOut) are written as 0 so the next layer's padded columns stay 0.
  let live = vec4<bool>(i0 < params.nOut, i0 + 1u < params.nOut, i0 + 2u < params.nOut, i0 + 3u < params.nOut);
  let zValues = select(vec4f(0.0), zTile, live);
  let aValues = select(vec4f(0.0), phi4(zTile), live);
  let at = ((kc * params.batchPadded + b) * params.ldOut + i0) / 4u;
  z[at] = zValues;
  a[at] = aValues;
}

// Block row `row` of batch row b, one unit (the hardware family's interleaved units): bias added, φ applied,
// units past nOut written as 0; padded batch rows and rows past the block or the layer are not written.
fn store_unit(kc: u32, b: u32, row: u32, acc: f32) {
  let i = params.rowOffset + row;
  if (b >= params.batch || row >= params.rowsPadded || i >= params.ldOut) {
    return;
  }
  let value = acc + bias[kc * params.ldOut + i];
  let live = i < params.nOut;
  let at = (kc * params.batchPadded + b) * params.ldOut + i;
  z[at / 4u][at % 4u] = select(0.0, value, live);
  a[at / 4u][at % 4u] = select(0.0, phi4(vec4f(value)).x, live);
}
