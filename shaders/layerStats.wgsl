// layerStats: bindings 0 params (uniform), 1 values (storage read, vec4f, [init][b][ld], ld a multiple of 4),
// 2 records (storage rw, StatsRecord), 3 histograms (storage rw, u32, `bins` counts per record).
// CPU twin: addValue + symmetryOf in src/core/stats.ts / initStats.ts; read back by src/gpu/initRecords.ts.
// One workgroup per (init kc, slice of rowsPerSlice batch rows of that init) writes one record and
// its histogram counts over [lo, hi].
// s = 1/momentScale (a power of two from the theory): sums of vanishing (1e-30) or exploding
// (1e30) values neither underflow nor overflow in f32, and the CPU undoes s exactly.
// NaN/Inf are tested on the bits: WGSL lets compilers assume finite floats in comparisons.
// Partials are combined in f64 on the CPU (no float atomics in WGSL).

struct StatsParams {
  inits: u32,
  batch: u32,
  batchPadded: u32,
  n: u32,
  ld: u32,
  slices: u32,
  rowsPerSlice: u32,
  bins: u32,
  scale: f32,
  // The histogram range in scaled units (v·s), so that a vanishing layer's tiny range neither
  // underflows nor makes bins / (hi − lo) overflow in f32; s is a power of two, so binning v·s
  // against them puts every value in the same bin as binning v against the unscaled range. s is
  // capped at 2^100, so this holds down to a theory rms of ~1e-67 (past f32's reach anyway).
  lo: f32, // lo · s
  hi: f32, // hi · s
  binScale: f32, // bins / ((hi − lo) · s)
  binWhole: f32, // integer part of −lo · bins / (hi − lo)
  binFraction: f32, // its fractional part
  symmetry: u32,
  groupsX: u32,
  recordOffset: u32, // index of this dispatch's first record in `records` (and histogram in `histograms`)
}

struct StatsRecord {
  count: u32, // finite values
  nan: u32,
  posInf: u32,
  negInf: u32,
  underflow: u32, // finite values below lo
  overflow: u32, // finite values above hi
  sum: f32, // Σ s·v over the finite values
  sumSquares: f32, // Σ (s·v)²
  symmetry: f32, // max |v_i − v_0| over the units of a batch row (0 when not asked)
}

// 64 lanes on a GPU; the runner asks for 8 on a software adapter, where a workgroup's fixed cost
// (clearing the histogram, the barriers that switch between its SIMD groups, the final sums) grows
// with its size: 8 lanes ran the statistics 2× faster on SwiftShader.
override WORKGROUP: u32 = 64u;
const MAX_BINS: u32 = 256u;

@group(0) @binding(0) var<uniform> params: StatsParams;
@group(0) @binding(1) var<storage, read> values: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> records: array<StatsRecord>;
@group(0) @binding(3) var<storage, read_write> histograms: array<u32>;

var<workgroup> histogram: array<atomic<u32>, MAX_BINS>;
var<workgroup> countShared: array<vec4u, WORKGROUP>; // count, nan, +inf, −inf
var<workgroup> rangeShared: array<vec2u, WORKGROUP>; // underflow, overflow
var<workgroup> sumShared: array<vec3f, WORKGROUP>; // Σ, Σ², symmetry

@compute @workgroup_size(WORKGROUP)
fn layerStats(@builtin(workgroup_id) group: vec3u, @builtin(local_invocation_index) lane: u32) {
  let record = group.y * params.groupsX + group.x;
  if (record >= params.inits * params.slices) {
    return;
  }
  for (var bin = lane; bin < MAX_BINS; bin += WORKGROUP) {
    atomicStore(&histogram[bin], 0u);
  }
  workgroupBarrier();

  let kc = record / params.slices;
  let slice = record % params.slices;
  let firstRow = slice * params.rowsPerSlice;
  let lastRow = min(params.batch, firstRow + params.rowsPerSlice);
  let scale = params.scale;
  let lo = params.lo;
  let hi = params.hi;
  let binScale = params.binScale;
  let binFraction = params.binFraction;
  let binWhole = params.binWhole;
  let lastBin = vec4f(f32(params.bins - 1u));
  let symmetry = params.symmetry == 1u;
  let n = params.n;
  let quads = (n + 3u) / 4u;
  var counts = vec4u(0u);
  var ranges = vec2u(0u);
  var sums = vec3f(0.0);
  for (var b = firstRow; b < lastRow; b++) {
    let row = (kc * params.batchPadded + b) * (params.ld / 4u);
    let first = values[row].x; // unit 0, for the symmetry spread
    // Four units per step: SwiftShader pays a fixed cost per loop iteration, and a vec4 load costs
    // one address. Branch-free classification: the lanes of a SIMD group run together, so
    // divergent branches would cost both sides.
    for (var q = lane; q < quads; q += WORKGROUP) {
      let v = values[row + q];
      let unit = 4u * q;
      let live = vec4u(unit, unit + 1u, unit + 2u, unit + 3u) < vec4u(n);
      let bits = bitcast<vec4u>(v) & vec4u(0x7fffffffu);
      let finite = live & (bits < vec4u(0x7f800000u));
      let infinite = live & (bits == vec4u(0x7f800000u));
      counts += vec4u(
        count4(finite),
        count4(live & (bits > vec4u(0x7f800000u))),
        count4(infinite & (v > vec4f(0.0))),
        count4(infinite & (v < vec4f(0.0))),
      );
      let sv = v * scale;
      let scaled = select(vec4f(0.0), sv, finite);
      sums.x += (scaled.x + scaled.y) + (scaled.z + scaled.w);
      sums.y += dot(scaled, scaled);
      let below = finite & (sv < vec4f(lo));
      let above = finite & (sv > vec4f(hi));
      ranges += vec2u(count4(below), count4(above));
      // floor(v·c + fraction) + whole rather than floor((v − lo)/(hi − lo)·bins): adding lo first
      // would round tiny values onto the bin edge at 0 (symmetric ranges have one there), where
      // vanishing and saturating runs put most of their values.
      let inRange = finite & !(below | above);
      let bin = vec4u(clamp(floor(sv * binScale + binFraction) + binWhole, vec4f(0.0), lastBin));
      if (inRange.x) { atomicAdd(&histogram[bin.x], 1u); }
      if (inRange.y) { atomicAdd(&histogram[bin.y], 1u); }
      if (inRange.z) { atomicAdd(&histogram[bin.z], 1u); }
      if (inRange.w) { atomicAdd(&histogram[bin.w], 1u); }
      let spread = abs(v - first);
      let spreadFinite = (bitcast<vec4u>(spread) & vec4u(0x7fffffffu)) < vec4u(0x7f800000u);
      let counted = select(vec4f(0.0), spread, finite & spreadFinite & vec4<bool>(symmetry));
      sums.z = max(sums.z, max(max(counted.x, counted.y), max(counted.z, counted.w)));
    }
  }
  countShared[lane] = counts;
  rangeShared[lane] = ranges;
  sumShared[lane] = sums;
  // One barrier, then lane 0 adds the partials in order: SwiftShader runs a workgroup's SIMD
  // groups as coroutines that switch at every barrier, which made a log2(64)-step tree (six
  // barriers) cost more than the serial sum.
  workgroupBarrier();
  let out = params.recordOffset + record;
  if (lane == 0u) {
    var c = vec4u(0u);
    var r = vec2u(0u);
    var s = vec3f(0.0);
    for (var other = 0u; other < WORKGROUP; other++) {
      c += countShared[other];
      r += rangeShared[other];
      let partial = sumShared[other];
      s = vec3f(s.x + partial.x, s.y + partial.y, max(s.z, partial.z));
    }
    records[out] = StatsRecord(c.x, c.y, c.z, c.w, r.x, r.y, s.x, s.y, s.z);
  }
  for (var bin = lane; bin < params.bins; bin += WORKGROUP) {
    histograms[out * params.bins + bin] = atomicLoad(&histogram[bin]);
  }
}

fn count4(flags: vec4<bool>) -> u32 {
  let ones = select(vec4u(0u), vec4u(1u), flags);
  return (ones.x + ones.y) + (ones.z + ones.w);
}
