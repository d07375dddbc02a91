// trainForward: the logits z[L] of four inputs (one quad, a vec4 per unit) through one copy,
// hidden values in private arrays of TRAIN_MAX_WIDTH (forward only: trainMetrics, decisionGrid).
// No bindings of its own: reads the including kernel's `weights` (f32, K·P) and `layout_table`.
// CPU twin: networkForward in src/core/trainStep.ts. Needs shaders/trainCommon.wgsl,
// shaders/trainLayout.wgsl and shaders/common/activations.wgsl.

fn network_logit4(w_base: u32, layer_count: u32, x0: vec4f, x1: vec4f) -> vec4f {
  var previous: array<vec4f, TRAIN_MAX_WIDTH>;
  var current: array<vec4f, TRAIN_MAX_WIDTH>;
  previous[0] = x0;
  previous[1] = x1;
  for (var l = 1u; l <= layer_count; l++) {
    let n_in = layer_width(l - 1u);
    let n_out = layer_width(l);
    for (var i = 0u; i < n_out; i++) {
      let row = w_base + weight_offset(l) + i * n_in;
      var z = vec4f(weights[w_base + bias_offset(l) + i]);
      for (var j = 0u; j < n_in; j++) {
        z += weights[row + j] * previous[j];
      }
      if (l == layer_count) {
        return z; // one output unit
      }
      current[i] = phi4(z);
    }
    for (var i = 0u; i < n_out; i++) {
      previous[i] = current[i]; // only the layer's units, not all TRAIN_MAX_WIDTH
    }
  }
  return vec4f(0.0);
}
