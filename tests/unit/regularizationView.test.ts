// The pure drawing helpers of the Regularization explorer: colour map, display grid, height scale,
// contours and ticks (src/view/colormap.ts, src/view/surfaceGrid.ts), and what its panels show and
// export, decided from a result built by the CPU twins (src/ui/regularizationShown.ts).
import { describe, expect, it } from 'vitest';
import type { DescentPath } from '../../src/core/descent';
import { gridArgmin, gridLoss, gridPenalty, type Penalty, refineMinimizer } from '../../src/core/gridLoss';
import {
  defaultRegularizationConfig,
  type RegularizationConfig,
  regularizationDataOptions,
  regularizationWindow,
} from '../../src/core/regularizationConfig';
import { generateRegularizationData } from '../../src/core/regularizationModels';
import type { RegularizationResult } from '../../src/gpu/regularization';
import {
  bestMinimum,
  descentCsv,
  descentNotes,
  exactZeros,
  mapInputs,
  mapOfRule,
  minimizerRows,
  minimizersCsv,
  regPathCaption,
  regPathCsv,
  shownGrid,
  statusText,
  surfaceOf,
} from '../../src/ui/regularizationShown';
import { colormap, colormapCss, relativeLuminance, VIRIDIS_STOPS } from '../../src/view/colormap';
import {
  contourSegments,
  displayGridSize,
  heightScale,
  niceTicks,
  sampleGrid,
  subsampleGrid,
  subsampleIndices,
  unitHeight,
  valueAtHeight,
} from '../../src/view/surfaceGrid';

describe('colormap (viridis)', () => {
  it('hits matplotlib viridis at its ends and middle', () => {
    const close = (a: number[], b: number[]) => {
      for (const [k, x] of a.entries()) expect(x).toBeCloseTo(b[k], 3);
    };
    close(colormap(0), [0.267, 0.005, 0.329]);
    close(colormap(0.5), [0.128, 0.567, 0.551]);
    close(colormap(1), [0.993, 0.906, 0.144]);
  });

  it('is perceptually ordered: luminance rises strictly from 0 to 1', () => {
    let previous = -1;
    for (let k = 0; k <= 200; k++) {
      const luminance = relativeLuminance(colormap(k / 200));
      expect(luminance).toBeGreaterThan(previous);
      previous = luminance;
    }
    expect(VIRIDIS_STOPS.length).toBe(11);
  });

  it('clamps t and draws non-finite values as the clipped top', () => {
    expect(colormap(-3)).toEqual(colormap(0));
    expect(colormap(7)).toEqual(colormap(1));
    expect(colormap(Number.NaN)).toEqual(colormap(1));
    expect(colormap(Infinity)).toEqual(colormap(1));
    expect(colormapCss(0)).toBe('rgba(68, 1, 84, 1)');
  });
});

describe('display grid', () => {
  it('keeps both window edges and never exceeds 256 per side', () => {
    expect(displayGridSize(2048)).toBe(256);
    expect(displayGridSize(128)).toBe(128);
    const indices = subsampleIndices(1024, 256);
    expect(indices[0]).toBe(0);
    expect(indices[255]).toBe(1023);
    for (let k = 1; k < 256; k++) expect(indices[k]).toBeGreaterThan(indices[k - 1]);
  });

  it('picks the same cells as the compute grid (index j·G + i)', () => {
    const G = 9;
    const values = Float32Array.from({ length: G * G }, (_, index) => index);
    const sub = subsampleGrid(values, G, 5);
    // Display (i, j) = (1, 2) is compute (2, 4).
    expect(sub[2 * 5 + 1]).toBe(4 * G + 2);
    expect(sub[24]).toBe(G * G - 1);
    expect(subsampleGrid(values, G, G)).toEqual(values);
  });
});

describe('height scale', () => {
  it('clips at a high quantile so one outlier cannot flatten the landscape', () => {
    const values = Float32Array.from({ length: 1000 }, (_, k) => k / 999);
    values[500] = 1e30;
    values[501] = Number.NaN;
    values[502] = Infinity;
    const scale = heightScale(values, { log: false, clipQuantile: 0.98 });
    expect(scale.lo).toBe(0);
    expect(scale.hi).toBeLessThan(1);
    expect(scale.hi).toBeGreaterThan(0.95);
    expect(scale.nonFinite).toBe(2);
    expect(unitHeight(scale, 1e30)).toBe(1);
    expect(unitHeight(scale, Number.NaN)).toBe(1);
    expect(unitHeight(scale, -5)).toBe(0);
    expect(unitHeight(scale, scale.hi / 2)).toBeCloseTo(0.5, 12);
  });

  it('log heights are monotone, span [0, 1], stretch the bottom and invert exactly', () => {
    // A bowl-like spread: many cells near the bottom, a long tail up to 1002.
    const values = Array.from({ length: 1000 }, (_, k) => 2 + 1000 * (k / 999) ** 2);
    const scale = heightScale(values, { log: true, clipQuantile: 1 });
    expect(unitHeight(scale, 2)).toBe(0);
    expect(unitHeight(scale, 1002)).toBeCloseTo(1, 12);
    // The offset is the spread of the lowest 5% of the cells: they fill log(2)/log(1 + range/ε) of the height.
    expect(scale.epsilon).toBeCloseTo(1000 * (49 / 999) ** 2, 9);
    expect(unitHeight(scale, 2 + scale.epsilon)).toBeCloseTo(Math.log(2) / Math.log1p(1000 / scale.epsilon), 12);
    expect(unitHeight(scale, 3)).toBeGreaterThan(0.05); // 0.1% of the range: linear would give 0.001
    let previous = -1;
    for (let k = 0; k <= 100; k++) {
      const h = unitHeight(scale, 2 + 10 * k);
      expect(h).toBeGreaterThan(previous);
      previous = h;
    }
    for (const h of [0, 0.2, 0.5, 0.9, 1]) expect(unitHeight(scale, valueAtHeight(scale, h))).toBeCloseTo(h, 10);
  });

  it('does not turn a single low cell into a spike: ε is at least 10^-3 of the range', () => {
    const values = new Float32Array(400).fill(10);
    values[7] = 0;
    values[8] = 20;
    const scale = heightScale(values, { log: true, clipQuantile: 1 });
    expect(scale.epsilon).toBeCloseTo(10, 5); // the lowest 5% are already at 10: the foot is wide
    expect(unitHeight(scale, 10)).toBeCloseTo(Math.log(2) / Math.log(3), 6);
  });

  it('survives flat and all-non-finite landscapes', () => {
    const flat = heightScale([4, 4, 4], { log: false });
    expect(flat.hi).toBeGreaterThan(flat.lo);
    expect(unitHeight(flat, 4)).toBe(0);
    const broken = heightScale([Number.NaN, Infinity], { log: true });
    expect(broken.clipped).toBe(2);
    expect(unitHeight(broken, Number.NaN)).toBe(1);
  });
});

describe('contours', () => {
  it('traces a circle of a radial field at the right radius', () => {
    const D = 65;
    const field = new Float32Array(D * D);
    for (let j = 0; j < D; j++) for (let i = 0; i < D; i++) field[j * D + i] = Math.hypot(i - 32, j - 32);
    const segments = contourSegments(field, D, [20]);
    expect(segments.length).toBeGreaterThan(4 * 100);
    for (let k = 0; k < segments.length; k += 2) {
      expect(Math.hypot(segments[k] - 32, segments[k + 1] - 32)).toBeCloseTo(20, 0);
    }
  });

  it('gives nothing for a level outside the field and skips non-finite cells', () => {
    const field = Float32Array.from([0, 1, 2, 3]);
    expect(contourSegments(field, 2, [5])).toEqual([]);
    expect(contourSegments(Float32Array.from([0, Number.NaN, 2, 3]), 2, [1])).toEqual([]);
    expect(contourSegments(field, 2, [1.5]).length).toBe(4);
  });

  it('samples bilinearly and clamps to the grid', () => {
    const field = Float32Array.from([0, 1, 2, 3]);
    expect(sampleGrid(field, 2, 0.5, 0.5)).toBe(1.5);
    expect(sampleGrid(field, 2, -4, 9)).toBe(2);
  });
});

describe('ticks', () => {
  it('are round numbers inside the range, including 0', () => {
    expect(niceTicks(-3, 3, 6)).toEqual([-3, -2, -1, 0, 1, 2, 3]);
    expect(niceTicks(-5.12, 5.12, 6)).toEqual([-4, -2, 0, 2, 4]);
    expect(niceTicks(-5.12, 5.12, 5)).toEqual([-5, 0, 5]);
    expect(niceTicks(0.1, 0.35, 4)).toEqual([0.1, 0.2, 0.3]);
    expect(niceTicks(0.1, 0.35, 6)).toEqual([0.1, 0.15, 0.2, 0.25, 0.3, 0.35]);
  });
});

/** A result as the engine returns it, built from the CPU twins (f64 grids stored as f32, as read back). */
function cpuResult(overrides: Partial<RegularizationConfig>, refine = true): RegularizationResult {
  const config = { ...defaultRegularizationConfig(overrides.model), ...overrides };
  const data = generateRegularizationData(config.model, regularizationDataOptions(config));
  const window = regularizationWindow(config);
  const G = config.grid;
  const dataLoss = Float32Array.from(gridLoss(config.model, data, window, G));
  const minimum = (penalty: Penalty, values: Float32Array) => {
    const grid = gridArgmin(values, window, G);
    const refined =
      refine && grid ? refineMinimizer(config.model, data, penalty, config.lambda, config.mix, grid.w) : null;
    return { grid, refined };
  };
  const surfaces = [...new Set<Penalty>([config.penalty, 'l1', 'l2'])].map((penalty) => {
    const values = Float32Array.from(gridPenalty(dataLoss, window, G, penalty, config.lambda, config.mix));
    const nonFinite = values.filter((value) => !Number.isFinite(value)).length;
    return { penalty, lambda: config.lambda, mix: config.mix, values, minimum: minimum(penalty, values), nonFinite };
  });
  return {
    config,
    G,
    window,
    data,
    notices: [],
    dataLoss,
    penalized: surfaces[0].values,
    surfaces,
    minima: { J: minimum('none', dataLoss), penalized: surfaces[0].minimum },
    nonFinite: { dataLoss: 0, penalized: surfaces[0].nonFinite },
    timeMs: 12.5,
    dispatchedGridLoss: true,
  };
}

function csvRows(csv: string): string[][] {
  return csv
    .trim()
    .split('\n')
    .map((line) => line.split(','));
}

describe('what the Regularization panels show (src/ui/regularizationShown.ts)', () => {
  it('lists J, L1 and L2 minimizers (and the elastic net when chosen), L1 on an axis above its threshold', () => {
    const result = cpuResult({ model: 'quadratic', grid: 64, lambda: 1 });
    const rows = minimizerRows(result);
    expect(rows.map((row) => row.id)).toEqual(['j-minimizer', 'l1-minimizer', 'l2-minimizer']);
    // The separable quadratic's closed forms (THEORY.md): L1 soft-thresholds |a_k| by λ/h_k, L2 shrinks.
    const { h1, h2, a1, a2 } = result.config;
    const l1 = bestMinimum(rows[1].minimum) ?? { w: [Number.NaN, Number.NaN] };
    expect(l1.w[0]).toBeCloseTo(Math.sign(a1) * Math.max(Math.abs(a1) - 1 / h1, 0), 8);
    expect(l1.w[1]).toBe(Math.sign(a2) * Math.max(Math.abs(a2) - 1 / h2, 0) || 0);
    expect(exactZeros(l1.w)).toBe('w2 = 0');
    const table = csvRows(minimizersCsv(rows));
    expect(table[0].slice(0, 8)).toEqual([
      'objective',
      'penalty',
      'lambda',
      'w1',
      'w2',
      'value',
      'exact_zeros',
      'refined',
    ]);
    expect(table.length).toBe(4);
    expect(table[2].slice(1, 5)).toEqual(['l1', '1', String(l1.w[0]), '0']);
    expect(table[2][6]).toBe('w2 = 0');
    const elastic = cpuResult({ model: 'quadratic', grid: 64, penalty: 'elastic' });
    expect(minimizerRows(elastic).map((row) => row.penalty)).toEqual(['none', 'l1', 'l2', 'elastic']);
  });

  it('leaves the fields of a grid without a finite cell empty, and of an unrefined minimum the refined ones', () => {
    const result = cpuResult({ model: 'quadratic', grid: 64 }, false);
    result.minima.J = { grid: null, refined: null };
    const table = csvRows(minimizersCsv(minimizerRows(result)));
    expect(table[1].slice(3, 8)).toEqual(['', '', '', '', 'false']);
    expect(table[2][7]).toBe('false');
    expect(Number(table[2][3])).toBe(result.surfaces[0].minimum.grid?.w[0]);
  });

  it('draws three maps on a display grid of at most 256, J ringed on the penalized ones', () => {
    const result = cpuResult({ model: 'himmelblau', grid: 300 }, false);
    const maps = mapInputs(result, true);
    expect(maps.map((map) => map.D)).toEqual([256, 256, 256]);
    expect(maps.map((map) => map.markers.length)).toEqual([1, 2, 2]);
    expect(maps[1].markers[0].hollow).toBe(true);
    expect(maps[0].title).toBe('J');
    expect(maps[2].title).toContain('λ = 0.5');
    expect(shownGrid(result, 'l1', false).values).toEqual(subsampleGrid(surfaceOf(result, 'l1').values, 300, 256));
    expect(mapOfRule('gd')).toBe(0);
    expect(mapOfRule('l1-proximal')).toBe(1);
    expect(mapOfRule('l2-decay')).toBe(2);
    expect(statusText(result)).toBe('G = 300 (drawn at 256): gridLoss (G² = 90000 cells) + penalties in 12.5 ms');
  });

  it('notes where a descent path ends, when it diverges or leaves the window, and exports its steps', () => {
    const window = { w1Min: -1, w1Max: 1, w2Min: -1, w2Max: 1 };
    const path: DescentPath = {
      path: [
        [0.5, 0.5],
        [0.25, 0],
        [2, 0],
      ],
      diverged: false,
    };
    const notes = descentNotes(path, { rule: 'l1-proximal', lambda: 0.5, alpha: 0.1 }, window, 'l1');
    expect(notes.end).toBe('path end after 2 steps: w = (2, 0)');
    expect(notes.warnings.join()).toMatch(/leaves the window/);
    expect(notes.warnings.join()).not.toMatch(/follows/);
    const other = descentNotes({ path: [[0, 0]], diverged: true }, { rule: 'gd', lambda: 0, alpha: 1 }, window, 'l2');
    expect(other.warnings.join()).toMatch(/diverged after 0 steps/);
    expect(other.warnings.join()).toMatch(/follows J \(no penalty\) \(rule gd\) while the surface shows J \+ λ·\(w1²/);
    expect(csvRows(descentCsv(path))).toEqual([
      ['step', 'w1', 'w2'],
      ['0', '0.5', '0.5'],
      ['1', '0.25', '0'],
      ['2', '2', '0'],
    ]);
    expect(descentCsv({ path: [[Number.NaN, Infinity]], diverged: true })).toContain('0,NaN,Infinity');
  });

  it('exports the regularization path as λ, w1*, w2* for L1 and L2, and says where L1 reaches 0', () => {
    const points = [
      { lambda: 0.01, l1: [1, -0.5] as [number, number], l2: [1, -0.5] as [number, number] },
      { lambda: 1, l1: [0.5, 0] as [number, number], l2: [0.8, -0.3] as [number, number] },
    ];
    expect(csvRows(regPathCsv(points))).toEqual([
      ['lambda', 'l1_w1', 'l1_w2', 'l2_w1', 'l2_w2'],
      ['0.01', '1', '-0.5', '1', '-0.5'],
      ['1', '0.5', '0', '0.8', '-0.3'],
    ]);
    expect(regPathCaption(points)).toMatch(/exactly to 0 from λ ≈ 1 on/);
    expect(regPathCaption(points.slice(0, 1))).toMatch(/no L1 coordinate reaches 0/);
  });
});
