// decisionGrid: bindings 0 params (uniform DecisionGridParams), 1 layout_table (storage read),
// 2 weights (storage read, K·P), 3 probabilities (storage rw, G·G f32, index j·G + i: x1 rows,
// x0 columns). CPU twin: decisionGrid in src/core/decisionGrid.ts. Needs shaders/trainCommon.wgsl,
// shaders/trainLayout.wgsl, shaders/trainForward.wgsl and shaders/common/activations.wgsl.

struct DecisionGridParams {
  copy: u32,
  paramCount: u32,
  layerCount: u32,
  G: u32,
  x0Min: f32,
  x0Step: f32, // (x0Max − x0Min) / (G − 1)
  x1Min: f32,
  x1Step: f32,
}

@group(0) @binding(0) var<uniform> params: DecisionGridParams;
@group(0) @binding(1) var<storage, read> layout_table: array<u32>;
@group(0) @binding(2) var<storage, read> weights: array<f32>;
@group(0) @binding(3) var<storage, read_write> probabilities: array<f32>;

// Four neighbouring columns per invocation (one quad): x0 varies along the vec4.
@compute @workgroup_size(8, 8)
fn decisionGrid(@builtin(global_invocation_id) id: vec3u) {
  let i0 = 4u * id.x;
  let j = id.y;
  if (i0 >= params.G || j >= params.G) {
    return;
  }
  let x0 = params.x0Min + (f32(i0) + vec4f(0.0, 1.0, 2.0, 3.0)) * params.x0Step;
  let x1 = vec4f(params.x1Min + f32(j) * params.x1Step);
  let p = train_sigmoid4(network_logit4(params.copy * params.paramCount, params.layerCount, x0, x1));
  for (var c = 0u; c < 4u && i0 + c < params.G; c++) {
    probabilities[j * params.G + i0 + c] = p[c];
  }
}
