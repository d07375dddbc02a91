// What the Initialization explorer's panels show, as plain data: the common value axis its histograms
// are resampled onto, and the files each panel exports (JSON of the histograms, CSV of the moments,
// the derivation's steps and the symmetry spreads). Pure: no DOM, unit-tested on CPU-twin results.

import type { InitConfig } from '../core/initConfig';
import type { InitStatsResult, Quantity } from '../core/stats';
import { DERIVATION_STEPS, type StepReading } from '../view/derivationPanel';
import {
  type CommonGrid,
  gridCentres,
  gridOf,
  histogramTotal,
  type ResampledHistogram,
  resampleHistogram,
} from '../view/histogramGrid';
import { momentSeries, rawValue } from '../view/varianceChart';
import type { Density } from './initUrl';
import { toCsv } from './kit/exports';

export interface CommonHistograms {
  quantity: Quantity;
  grid: CommonGrid;
  /** Layer l's histogram at index l − 1, resampled onto `grid`. */
  layers: ResampledHistogram[];
}

/**
 * Every layer's histogram of `quantity` on one value axis: the bin range of the layer the signal
 * starts from (layer 1 forward, layer L backward), the other layers resampled onto it.
 */
export function commonHistograms(result: InitStatsResult, quantity: Quantity): CommonHistograms {
  const reference = quantity === 'delta' ? result.layers[result.layers.length - 1] : result.layers[0];
  const grid = gridOf(reference[quantity].histogram);
  return { quantity, grid, layers: result.layers.map((layer) => resampleHistogram(layer[quantity].histogram, grid)) };
}

/** Share of all values of `quantity` (every layer) that are NaN: they are counted, not drawn. */
export function nanShare(result: InitStatsResult, quantity: Quantity): number {
  let nan = 0;
  let total = 0;
  for (const layer of result.layers) {
    nan += layer[quantity].histogram.nan;
    total += histogramTotal(layer[quantity].histogram);
  }
  return nan / Math.max(1, total);
}

function histogramJson(layer: number, histogram: ResampledHistogram) {
  const { fractions, below, above, nan, total } = histogram;
  return { layer, fractions, below, above, nan, total };
}

/** The landscape's numbers: the common grid (bin centres too) and every layer's resampled fractions. */
export function landscapeJson(common: CommonHistograms, density: Density, config: InitConfig) {
  return {
    quantity: common.quantity,
    density,
    config,
    grid: { ...common.grid, centres: gridCentres(common.grid) },
    note: 'fractions of all values of a layer per common bin; below/above: beyond the grid (±∞ included); nan apart',
    layers: common.layers.map((histogram, index) => histogramJson(index + 1, histogram)),
  };
}

/** The small multiples' numbers: the layers shown, each with its note (rms). */
export function multiplesJson(
  common: CommonHistograms,
  shown: ReadonlyArray<{ layer: number; note: string }>,
  selectedLayer: number,
) {
  return {
    quantity: common.quantity,
    grid: { ...common.grid, centres: gridCentres(common.grid) },
    selectedLayer,
    layers: shown.map(({ layer, note }) => ({ ...histogramJson(layer, common.layers[layer - 1]), note })),
  };
}

/**
 * The moments chart's numbers per layer: for E[a²], E[z²], E[δ²], E[(∂L/∂W)²] the measured value,
 * its 5–95% band and the theory, unrounded (0 and non-finite values kept), then the count of
 * non-finite values of z, a and δ (counted apart, never in a moment).
 */
export function momentsCsv(result: InitStatsResult): string {
  const series = momentSeries(result, rawValue);
  const header = ['layer'];
  for (const s of series) header.push(`${s.key}_measured`, `${s.key}_p5`, `${s.key}_p95`, `${s.key}_theory`);
  header.push('z_nonfinite', 'a_nonfinite', 'delta_nonfinite');
  const rows = result.layers.map((layer, i) => {
    const nonFinite = (['z', 'a', 'delta'] as const).map((key) => {
      const { nan, posInf, negInf } = layer[key].histogram;
      return nan + posInf + negInf;
    });
    return [layer.layer, ...series.flatMap((s) => [s.measured[i], s.p5[i], s.p95[i], s.theory[i]]), ...nonFinite];
  });
  return toCsv(header, rows);
}

/** The derivation table: each step's claim, what it predicts and what was measured at `layer`, and whether it held. */
export function derivationCsv(readings: readonly StepReading[], layer: number): string {
  const rows = readings.map((reading, index) => [
    index + 1,
    DERIVATION_STEPS[index]?.why ?? '',
    DERIVATION_STEPS[index]?.tex ?? '',
    layer,
    reading.predicted ?? null,
    reading.measured ?? null,
    reading.holds === null ? '' : String(reading.holds),
    reading.text,
  ]);
  return toCsv(['step', 'claim', 'formula_tex', 'layer', 'predicted', 'measured', 'holds', 'reading'], rows);
}

/** The symmetry chart: the largest spread between the units of each layer, and whether they are identical. */
export function symmetryCsv(result: InitStatsResult): string {
  return toCsv(
    ['layer', 'spread', 'identical'],
    result.layers.map((layer) => [layer.layer, layer.symmetry, String(layer.symmetry === 0)]),
  );
}
