// The generator of the register-only training kernels (shaders/trainStepUnrolled.wgsl,
// shaders/trainMetricsUnrolled.wgsl): WGSL lines for one layout in which every weight, unit value
// and gradient sum is a named register, named after the math:
//   w{l}_{i}_{j} = W[l]_{ij}, b{l}_{i} = b[l]_i, gw…/gb… their gradient sums,
//   a{l}_{i} = a[l]_i (a0_0 = x0, a0_1 = x1), z{l}_{i}, q{l}_{i} = φ'(z[l]_i), d{l}_{i} = δ[l]_i;
//   the values are vec4f over the four points of a quad, the logit is z{L}_0.
// CPU twin of what the lines compute: networkForward and trainGradient in src/core/trainStep.ts.
import type { TrainLayout } from '../core/trainLayout';

/**
 * Above this many parameters per copy the tiled kernels take over: compiling the generated code grows
 * faster than linearly in P on SwiftShader (measured, step + metrics: P = 13: 0.4 s, P = 105: 3.8 s,
 * P = 193: 10 s, P = 337: 22 s of CPU), while a step runs ~10x faster than the tiled kernel's.
 */
export const UNROLLED_MAX_PARAMS = 128;

export interface UnrolledParameter {
  /** Index in the copy (trainLayout.ts). */
  p: number;
  /** Register name: w{l}_{i}_{j} or b{l}_{i}. */
  name: string;
  isBias: boolean;
}

export function unrolledParameters(layout: TrainLayout): UnrolledParameter[] {
  const parameters: UnrolledParameter[] = [];
  for (let l = 1; l <= layout.layerCount; l++) {
    const nIn = layout.widths[l - 1];
    for (let i = 0; i < layout.widths[l]; i++) {
      for (let j = 0; j < nIn; j++)
        parameters.push({ p: layout.weightOffset[l] + i * nIn + j, name: `w${l}_${i}_${j}`, isBias: false });
      parameters.push({ p: layout.biasOffset[l] + i, name: `b${l}_${i}`, isBias: true });
    }
  }
  return parameters;
}

/** `let w1_0_0 = weights[base + 0u];` for every parameter. */
export function loadLines(layout: TrainLayout): string[] {
  return unrolledParameters(layout).map(({ p, name }) => `let ${name} = weights[base + ${p}u];`);
}

/** Forward of the quad (x0, x1): z, and a = φ(z), q = φ'(z) of the hidden units (q only if asked); then `logit`. */
export function forwardLines(layout: TrainLayout, withDerivative: boolean): string[] {
  const { widths, layerCount: L } = layout;
  const lines = ['let a0_0 = x0;', 'let a0_1 = x1;'];
  for (let l = 1; l <= L; l++) {
    for (let i = 0; i < widths[l]; i++) {
      const terms = Array.from({ length: widths[l - 1] }, (_, j) => `w${l}_${i}_${j} * a${l - 1}_${j}`);
      lines.push(`let z${l}_${i} = vec4f(b${l}_${i}) + ${terms.join(' + ')};`);
      if (l < L) lines.push(`let a${l}_${i} = phi4(z${l}_${i});`);
      if (l < L && withDerivative) lines.push(`let q${l}_${i} = phi_prime4(z${l}_${i});`);
    }
  }
  lines.push(`let logit = z${L}_0;`);
  return lines;
}

/** `var gw1_0_0 = 0.0;` for every parameter: the gradient sums. */
export function sumLines(layout: TrainLayout): string[] {
  return unrolledParameters(layout).map(({ name }) => `var g${name} = 0.0;`);
}

/** `finite = finite && is_finite_f32(w1_0_0);` for every parameter. */
export function finiteLines(layout: TrainLayout): string[] {
  return unrolledParameters(layout).map(({ name }) => `finite = finite && is_finite_f32(${name});`);
}

/** The update of every parameter from its gradient sum (update_param in shaders/trainCommon.wgsl). */
export function updateLines(layout: TrainLayout): string[] {
  return unrolledParameters(layout).map(
    ({ p, name, isBias }) =>
      `weights[base + ${p}u] = update_param(${name}, g${name}, ${isBias}, ` +
      'params.penalty, params.alpha, params.alphaLambda, params.decay);',
  );
}

/** δ of every unit, from δ[L] = d_out (computed by the template), then the gradient sums of the quad. */
export function backwardLines(layout: TrainLayout): string[] {
  const { widths, layerCount: L } = layout;
  const lines: string[] = [`let d${L}_0 = d_out;`];
  for (let l = L - 1; l >= 1; l--) {
    for (let j = 0; j < widths[l]; j++) {
      const terms = Array.from({ length: widths[l + 1] }, (_, i) => `w${l + 1}_${i}_${j} * d${l + 1}_${i}`);
      lines.push(`let d${l}_${j} = (${terms.join(' + ')}) * q${l}_${j};`);
    }
  }
  for (let l = 1; l <= L; l++) {
    for (let i = 0; i < widths[l]; i++) {
      for (let j = 0; j < widths[l - 1]; j++) lines.push(`gw${l}_${i}_${j} += dot(d${l}_${i}, a${l - 1}_${j});`);
      lines.push(`gb${l}_${i} += dot(d${l}_${i}, vec4f(1.0));`);
    }
  }
  return lines;
}

/** Fills the /*@name*\/ markers of a template with lines (indented like the marker). */
export function fillTemplate(template: string, parts: Record<string, string[]>): string {
  return template.replace(/^( *)\/\*@(\w+)\*\/$/gm, (_, indent: string, name: string) => {
    const lines = parts[name];
    if (lines === undefined) throw new Error(`no lines for the template marker /*@${name}*/`);
    return lines.map((line) => indent + line).join('\n');
  });
}

/** The WGSL of one template for one layout: PARAM_COUNT and the filled markers. */
export function unrolledSource(template: string, layout: TrainLayout, parts: Record<string, string[]>): string {
  return [
    `// Generated by src/gpu/unrolledNetwork.ts for widths ${layout.widths.join('-')} (P = ${layout.paramCount}).`,
    `const PARAM_COUNT: u32 = ${layout.paramCount}u;`,
    fillTemplate(template, parts),
  ].join('\n');
}
