// dWNorm: bindings 0 params (uniform), 1 δ[l] (storage read, vec4f), 2 a[l−1] (storage read, vec4f),
// 3 partials (storage rw, f32). CPU twin: dWNormSquared in src/core/initStats.ts.
// ‖Σ_b δ_b a_bᵀ‖_F² = Σ_{b,c} (δ_b·δ_c)(a_b·a_c) = Σ G_δ ⊙ G_a without forming the nOut×nIn matrix.
// Each invocation computes a 4×4 tile of both Gram matrices (rows b0..b0+3 against c0..c0+3) with
// sixteen named accumulators, the register tiling of layerForward: 8 vec4 loads feed 16 dot products.
// The sum is symmetric in (b, c): only tiles with c0 ≥ b0 are computed (numbered over the upper
// triangle), off-diagonal tiles count twice. Padded batch rows (b ≥ B) may hold stale values from an
// earlier run and are masked out.
// Each workgroup of WORKGROUP tiles of one init writes one partial that the CPU adds in f64 and divides by
// B² (the loss averages over the batch). Values are scaled by powers of two (deltaScale, aScale) so
// the products stay inside f32; the CPU undoes them.

struct NormParams {
  inits: u32,
  batch: u32,
  batchPadded: u32,
  vecsOut: u32, // ldOut / 4
  vecsIn: u32, // ldIn / 4
  groupsPerInit: u32, // ceil(T(T + 1)/2 / WORKGROUP), T = batchPadded / 4
  deltaScale: f32,
  aScale: f32,
  groupsX: u32,
  partialOffset: u32,
}

// 64 tiles per workgroup on a GPU, 8 on a software adapter (the runner's choice, as for layerStats:
// a workgroup's fixed cost grows with its size there).
override WORKGROUP: u32 = 64u;

@group(0) @binding(0) var<uniform> params: NormParams;
@group(0) @binding(1) var<storage, read> delta: array<vec4f>;
@group(0) @binding(2) var<storage, read> below: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> partials: array<f32>;

var<workgroup> partialShared: array<f32, WORKGROUP>;

// The 4×4 tile of the Gram matrix of `delta` rows (scaled): row u is b0 + u, column v is c0 + v.
fn gram_delta(kc: u32, b0: u32, c0: u32) -> array<vec4f, 4> {
  let n = params.vecsOut;
  let rowB0 = (kc * params.batchPadded + b0 + 0u) * n;
  let rowB1 = (kc * params.batchPadded + b0 + 1u) * n;
  let rowB2 = (kc * params.batchPadded + b0 + 2u) * n;
  let rowB3 = (kc * params.batchPadded + b0 + 3u) * n;
  let rowC0 = (kc * params.batchPadded + c0 + 0u) * n;
  let rowC1 = (kc * params.batchPadded + c0 + 1u) * n;
  let rowC2 = (kc * params.batchPadded + c0 + 2u) * n;
  let rowC3 = (kc * params.batchPadded + c0 + 3u) * n;
  var g0 = vec4f(0.0);
  var g1 = vec4f(0.0);
  var g2 = vec4f(0.0);
  var g3 = vec4f(0.0);
  for (var i = 0u; i < n; i++) {
    let x0 = delta[rowB0 + i] * params.deltaScale;
    let x1 = delta[rowB1 + i] * params.deltaScale;
    let x2 = delta[rowB2 + i] * params.deltaScale;
    let x3 = delta[rowB3 + i] * params.deltaScale;
    let y0 = delta[rowC0 + i] * params.deltaScale;
    let y1 = delta[rowC1 + i] * params.deltaScale;
    let y2 = delta[rowC2 + i] * params.deltaScale;
    let y3 = delta[rowC3 + i] * params.deltaScale;
    g0 += vec4f(dot(x0, y0), dot(x0, y1), dot(x0, y2), dot(x0, y3));
    g1 += vec4f(dot(x1, y0), dot(x1, y1), dot(x1, y2), dot(x1, y3));
    g2 += vec4f(dot(x2, y0), dot(x2, y1), dot(x2, y2), dot(x2, y3));
    g3 += vec4f(dot(x3, y0), dot(x3, y1), dot(x3, y2), dot(x3, y3));
  }
  return array<vec4f, 4>(g0, g1, g2, g3);
}

// The 4×4 tile of the Gram matrix of `below` rows (scaled): row u is b0 + u, column v is c0 + v.
fn gram_below(kc: u32, b0: u32, c0: u32) -> array<vec4f, 4> {
  let n = params.vecsIn;
  let rowB0 = (kc * params.batchPadded + b0 + 0u) * n;
  let rowB1 = (kc * params.batchPadded + b0 + 1u) * n;
  let rowB2 = (kc * params.batchPadded + b0 + 2u) * n;
  let rowB3 = (kc * params.batchPadded + b0 + 3u) * n;
  let rowC0 = (kc * params.batchPadded + c0 + 0u) * n;
  let rowC1 = (kc * params.batchPadded + c0 + 1u) * n;
  let rowC2 = (kc * params.batchPadded + c0 + 2u) * n;
  let rowC3 = (kc * params.batchPadded + c0 + 3u) * n;
  var g0 = vec4f(0.0);
  var g1 = vec4f(0.0);
  var g2 = vec4f(0.0);
  var g3 = vec4f(0.0);
  for (var i = 0u; i < n; i++) {
    let x0 = below[rowB0 + i] * params.aScale;
    let x1 = below[rowB1 + i] * params.aScale;
    let x2 = below[rowB2 + i] * params.aScale;
    let x3 = below[rowB3 + i] * params.aScale;
    let y0 = below[rowC0 + i] * params.aScale;
    let y1 = below[rowC1 + i] * params.aScale;
    let y2 = below[rowC2 + i] * params.aScale;
    let y3 = below[rowC3 + i] * params.aScale;
    g0 += vec4f(dot(x0, y0), dot(x0, y1), dot(x0, y2), dot(x0, y3));
    g1 += vec4f(dot(x1, y0), dot(x1, y1), dot(x1, y2), dot(x1, y3));
    g2 += vec4f(dot(x2, y0), dot(x2, y1), dot(x2, y2), dot(x2, y3));
    g3 += vec4f(dot(x3, y0), dot(x3, y1), dot(x3, y2), dot(x3, y3));
  }
  return array<vec4f, 4>(g0, g1, g2, g3);
}

@compute @workgroup_size(WORKGROUP)
fn dWNorm(@builtin(workgroup_id) group: vec3u, @builtin(local_invocation_index) lane: u32) {
  let flatGroup = group.y * params.groupsX + group.x;
  if (flatGroup >= params.inits * params.groupsPerInit) {
    return;
  }
  let kc = flatGroup / params.groupsPerInit;
  let tilesPerSide = params.batchPadded / 4u;
  // Tiles are numbered over the upper triangle only, row by row (row r holds tilesPerSide − r), so
  // no lane idles on a tile below the diagonal.
  let tile = (flatGroup % params.groupsPerInit) * WORKGROUP + lane;
  var row = 0u;
  var column = tile;
  while (row < tilesPerSide && column >= tilesPerSide - row) {
    column -= tilesPerSide - row;
    row += 1u;
  }
  let b0 = 4u * row;
  let c0 = 4u * (row + column);
  var total = 0.0;
  if (row < tilesPerSide) {
    let gd = gram_delta(kc, b0, c0);
    let ga = gram_below(kc, b0, c0);
    // select, not a multiplication by 0: a stale padded row may hold NaN or Inf.
    let colsLive = vec4<bool>(
      c0 < params.batch, c0 + 1u < params.batch, c0 + 2u < params.batch, c0 + 3u < params.batch
    );
    var tileSum = 0.0;
    for (var u = 0u; u < 4u; u++) {
      let products = select(vec4f(0.0), gd[u] * ga[u], colsLive);
      tileSum += select(0.0, products.x + products.y + products.z + products.w, b0 + u < params.batch);
    }
    total = select(2.0, 1.0, c0 == b0) * tileSum;
  }
  partialShared[lane] = total;
  // One barrier, then lane 0 adds the partials in order (see layerStats).
  workgroupBarrier();
  if (lane == 0u) {
    var sum = 0.0;
    for (var other = 0u; other < WORKGROUP; other++) {
      sum += partialShared[other];
    }
    partials[params.partialOffset + flatGroup] = sum;
  }
}
