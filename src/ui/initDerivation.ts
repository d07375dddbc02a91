// The numbers beside each step of the Xavier derivation, measured at one layer of a run, and the
// verdict sentence. Pure (no DOM): the derivation panel in view/ only prints them.

import type { InitConfig } from '../core/initConfig';
import { weightVariance } from '../core/schemes';
import type { InitStatsResult, QuantityStats } from '../core/stats';
import type { StepReading } from '../view/derivationPanel';
import { type GradientVerdict, measuredGradientGain } from './initVerdict';

/** 3 significant digits; exponent form outside [1e-3, 1e4); '—' for no value. */
export function formatNumber(x: number | null | undefined): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '—';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  if (x === 0) return '0';
  const magnitude = Math.abs(x);
  if (magnitude < 1e-3 || magnitude >= 1e4) return x.toExponential(2).replace('e+', 'e');
  return String(Number(x.toPrecision(3)));
}

/** Predicted and measured agree within 25% (both positive and finite). */
function agrees(predicted: number | null, measured: number | null): boolean | null {
  if (predicted === null || measured === null || !Number.isFinite(predicted) || !Number.isFinite(measured)) return null;
  if (predicted === 0 && measured === 0) return true;
  if (!(predicted > 0 && measured > 0)) return false;
  return Math.abs(Math.log(predicted / measured)) < Math.log(1.25);
}

interface Moments {
  mean: number | null;
  variance: number | null;
  meanSquare: number | null;
}

/** The input x ~ N(0, I): the layer below layer 1. */
const INPUT_MOMENTS: Moments = { mean: 0, variance: 1, meanSquare: 1 };

function moments(stats: QuantityStats): Moments {
  return { mean: stats.mean, variance: stats.variance, meanSquare: stats.meanSquare };
}

const times = (a: number | null, b: number | null): number | null => (a === null || b === null ? null : a * b);

/** Readings for the seven steps at `layer` (1-based). */
export function derivationReadings(result: InitStatsResult, layer: number, verdict: GradientVerdict): StepReading[] {
  const { config, layers } = result;
  const L = layers.length;
  const l = Math.min(L, Math.max(1, layer));
  const here = layers[l - 1];
  const below: Moments = l === 1 ? INPUT_MOMENTS : moments(layers[l - 2].a);
  const nIn = l === 1 ? config.inputWidth : config.width;
  const nOut = config.width;
  const varW = weightVariance(config.scheme, config.scale, nIn, nOut);
  const gain = nIn * varW;
  const biasVariance = config.biasStd ** 2;
  const f = formatNumber;

  const step1: StepReading = {
    text: `Var(z[${l}]) = ${f(here.z.variance)} → Var(a[${l}]) = ${f(here.a.variance)}`,
    holds: agrees(here.z.variance, here.a.variance),
    predicted: here.z.variance,
    measured: here.a.variance,
  };
  const sum = times(gain, below.meanSquare);
  const predictedZ = sum === null ? null : sum + biasVariance;
  const biasTerm = biasVariance > 0 ? ' + σ_b²' : '';
  const step2: StepReading = {
    text: `n·Var(W)·E[a[${l - 1}]²]${biasTerm} = ${f(predictedZ)}; measured Var(z[${l}]) = ${f(here.z.variance)}`,
    holds: agrees(predictedZ, here.z.variance),
    predicted: predictedZ,
    measured: here.z.variance,
  };
  const zeroMeanShare = below.variance !== null && below.meanSquare ? below.variance / below.meanSquare : null;
  const notZeroMean = zeroMeanShare !== null && zeroMeanShare < 0.8 ? ' (not zero-mean)' : '';
  const step3: StepReading = {
    text: `E[a[${l - 1}]] = ${f(below.mean)}: Var(a)/E[a²] = ${f(zeroMeanShare)}${notZeroMean}`,
    holds: zeroMeanShare === null ? null : zeroMeanShare > 0.8,
    predicted: 1,
    measured: zeroMeanShare,
  };
  const predictedA = times(gain, below.variance);
  const step4: StepReading = {
    text: `n·Var(W)·Var(a[${l - 1}]) = ${f(predictedA)}; measured Var(a[${l}]) = ${f(here.a.variance)}`,
    holds: agrees(predictedA, here.a.variance),
    predicted: predictedA,
    measured: here.a.variance,
  };
  const step5: StepReading = {
    text: `Var(W[${l}]) = ${f(varW)}, 1/n = ${f(1 / nIn)}: n·Var(W) = ${f(gain)}`,
    holds: Math.abs(gain - 1) < 0.1,
    predicted: 1,
    measured: gain,
  };
  const top = layers[L - 1];
  const step6: StepReading = {
    text:
      `Π n·Var(W) = ${f(verdict.linearProduct)}; measured Var(a[${L}]) = ${f(top.a.variance)}; ` +
      `mean field χ = ${f(verdict.chiStar)} per layer`,
    holds: agrees(verdict.linearProduct, top.a.variance),
    predicted: verdict.linearProduct,
    measured: top.a.variance,
  };
  const ratioLayer = l < L ? l : l - 1;
  let step7: StepReading = { text: 'needs two layers', holds: null };
  if (ratioLayer >= 1) {
    const lower = layers[ratioLayer - 1].delta.meanSquare;
    const upper = layers[ratioLayer].delta.meanSquare;
    const ratio = lower !== null && upper !== null && upper > 0 ? lower / upper : null;
    const chiHere = verdict.chiPerLayer[ratioLayer - 1];
    const widthGain = config.width * weightVariance(config.scheme, config.scale, config.width, config.width);
    const chiTerm = chiHere !== undefined ? `, χ = ${f(chiHere)}` : '';
    step7 = {
      text: `E[δ[${ratioLayer}]²]/E[δ[${ratioLayer + 1}]²] = ${f(ratio)}; n·Var(W) = ${f(widthGain)}${chiTerm}`,
      holds: ratio === null ? null : Math.abs(Math.log(ratio)) < Math.log(1.25),
      predicted: 1,
      measured: ratio,
    };
  }
  if (config.scheme === 'constant') {
    // Equal weights are not independent: the derivation's variance bookkeeping does not apply.
    for (const step of [step2, step4, step5, step6]) {
      step.text += ' (weights all equal: Var(W) = 0, E[W²] = c² used)';
      step.holds = false;
    }
  }
  return [step1, step2, step3, step4, step5, step6, step7];
}

const VERDICT_WORDS = {
  vanishing: 'Gradients vanish',
  stable: 'Gradients stay stable',
  exploding: 'Gradients explode',
} as const;

export interface VerdictText {
  /** The verdict in one sentence. */
  headline: string;
  /** What the run measured, and where step 6 alone would disagree. */
  details: string;
  /** Zero or same-value weights: the units of a layer are copies (the real problem there). */
  symmetric: boolean;
}

/** The one-line verdict: the mean-field reading, the measured gain, and where step 6 alone disagrees. */
export function verdictText(
  config: InitConfig,
  result: InitStatsResult | undefined,
  verdict: GradientVerdict,
): VerdictText {
  const symmetric = config.scheme === 'zeros' || config.scheme === 'constant';
  let headline: string;
  if (config.scheme === 'zeros') {
    headline =
      `${VERDICT_WORDS.vanishing} and the symmetry is never broken: ` +
      'with all weights 0 every unit is 0 and every gradient below the top layer is exactly 0.';
  } else if (config.scheme === 'constant') {
    headline =
      `Symmetric: every unit of a layer is a copy of its neighbours, so training can never make them differ ` +
      `(the gradient sizes are fine, ×${formatNumber(verdict.chiStar)} per layer).`;
  } else {
    headline =
      `${VERDICT_WORDS[verdict.verdict]}: ` +
      `E[δ²] is multiplied by χ ≈ ${formatNumber(verdict.chiStar)} per layer going down.`;
  }
  const details: string[] = [];
  if (result && result.layers.length >= 2) {
    const gain = measuredGradientGain(result.layers.map((layer) => layer.delta.meanSquare));
    const bottom = result.layers[0].delta.meanSquare;
    const topValue = result.layers[result.layers.length - 1].delta.meanSquare;
    const ratio = bottom !== null && topValue !== null && topValue > 0 ? bottom / topValue : null;
    const perLayer = gain !== null ? ` (×${formatNumber(gain)} per layer)` : '';
    details.push(`Measured: E[δ[1]²]/E[δ[L]²] = ${formatNumber(ratio)}${perLayer}.`);
    if (!symmetric && verdict.verdict === 'stable' && gain !== null && gain < 0.9) {
      details.push(
        'Near χ = 1 (the critical point) E[δ²] drifts only slowly with depth, like a power of l, ' +
          'not exponentially: compare “too small”.',
      );
    }
  }
  if (!symmetric && verdict.linearVerdict !== verdict.verdict) {
    details.push(
      `Step 6 alone (Π n·Var(W) = ${formatNumber(verdict.linearProduct)}) would say ${verdict.linearVerdict}: ` +
        (config.activation === 'sigmoid'
          ? 'sigmoid is not zero-mean and its slope is at most ¼.'
          : config.activation === 'relu'
            ? 'ReLU passes only half of the signal.'
            : 'tanh is linear only near 0; it saturates.'),
    );
  }
  if (config.scheme === 'constant')
    details.push('Xavier’s steps assume independent zero-mean weights; equal weights are neither.');
  return { headline, details: details.join(' '), symmetric };
}
