// trainInit: bindings 0 params (uniform TrainInitParams), 1 layout_table (storage read), 2 factors
// (storage read, f32 per layer l: the scheme's std, uniform bound or constant, weightFactor in
// src/core/schemes.ts), 3 weights (storage rw, K·P copy-major), 4 cell_scales (storage read, f32
// per cell). CPU twin: trainInit in src/core/trainInit.ts. Needs shaders/common/rng.wgsl,
// shaders/trainCommon.wgsl and shaders/trainLayout.wgsl.
// One invocation per parameter of every copy. The copies come in cells of cellCopies (the training
// engine: one cell of K, scale 1; the trainability grid: one cell per σ_w): copy k is copy
// c = k mod cellCopies of cell k / cellCopies, and every cell draws the same numbers (common random
// numbers). W[l]_{ij} of copy k = cell_scales[cell] · factor[l] · draw, the draw of element
// i·n[l−1] + j of stream (weights, layerBase + l) at counter c; b[l]_i = biasStd · normal (stream
// biases, counter c).

struct TrainInitParams {
  seed: u32,
  copies: u32,
  paramCount: u32,
  layerCount: u32,
  layerBase: u32, // TRAIN_LAYER_BASE: the training network's stream layers
  draw: u32, // DRAW_ZEROS, DRAW_CONSTANT (factor · 1), DRAW_NORMAL, DRAW_UNIFORM (factor · (2u − 1))
  biasStd: f32,
  rowStride: u32, // invocations per row of the 2D dispatch
  cellCopies: u32, // copies per cell (K for a single cell)
}

@group(0) @binding(0) var<uniform> params: TrainInitParams;
@group(0) @binding(1) var<storage, read> layout_table: array<u32>;
@group(0) @binding(2) var<storage, read> factors: array<f32>;
@group(0) @binding(3) var<storage, read_write> weights: array<f32>;
@group(0) @binding(4) var<storage, read> cell_scales: array<f32>;

override WORKGROUP_SIZE: u32 = 64u;

@compute @workgroup_size(WORKGROUP_SIZE)
fn trainInit(@builtin(global_invocation_id) id: vec3u) {
  let index = id.y * params.rowStride + id.x;
  if (index >= params.copies * params.paramCount) {
    return;
  }
  let copy = index / params.paramCount;
  let k = copy % params.cellCopies; // the counter of the draws
  let scale = cell_scales[copy / params.cellCopies];
  let place = describe_param(index % params.paramCount, params.layerCount);
  let l = place.x;
  let stream_layer = params.layerBase + l;
  var value = 0.0;
  if (place.y == 1u) {
    if (params.biasStd != 0.0) {
      value = params.biasStd * normal_at(params.seed, RNG_STREAM_BIASES, stream_layer, k, place.z);
    }
  } else {
    let element = place.z * layer_width(l - 1u) + place.w;
    switch (params.draw) {
      case DRAW_ZEROS: { value = 0.0; }
      case DRAW_CONSTANT: { value = scale * factors[l]; }
      case DRAW_NORMAL: {
        value = scale * factors[l] * normal_at(params.seed, RNG_STREAM_WEIGHTS, stream_layer, k, element);
      }
      case DRAW_UNIFORM: {
        let u = uniform_at(params.seed, RNG_STREAM_WEIGHTS, stream_layer, k, element);
        value = scale * factors[l] * (2.0 * u - 1.0);
      }
      default: { value = bitcast<f32>(bitcast<u32>(factors[l]) | 0x7fc00000u); } // NaN: no such code
    }
  }
  weights[index] = value;
}
