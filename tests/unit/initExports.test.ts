// What the Initialization explorer's panels export, on small CPU-twin runs: the common value axis
// (layer 1 forward, layer L backward), JSON of the resampled histograms that sum to 1 with the edges,
// CSV of the moments (zeros and non-finite values kept, not turned into gaps), of the derivation's
// seven steps and of the symmetry spreads.
import { describe, expect, it } from 'vitest';
import { validateInitConfig } from '../../src/core/initConfig';
import { initStats } from '../../src/core/initStats';
import { derivationReadings } from '../../src/ui/initDerivation';
import {
  commonHistograms,
  derivationCsv,
  landscapeJson,
  momentsCsv,
  multiplesJson,
  nanShare,
  symmetryCsv,
} from '../../src/ui/initExports';
import { gradientVerdict } from '../../src/ui/initVerdict';
import { toJson } from '../../src/ui/kit/exports';

const small = validateInitConfig({ depth: 5, width: 16, batch: 4, inits: 4, bins: 16 });
const result = initStats(small);

const csvRows = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((line) => line.split(','));

describe('common histograms', () => {
  it('uses the bins of layer 1 forward and of layer L backward; every layer sums to 1 with its edges', () => {
    const forward = commonHistograms(result, 'a');
    expect(forward.grid).toEqual({ lo: -1, hi: 1, bins: 16 }); // tanh: a in [−1, 1]
    const backward = commonHistograms(result, 'delta');
    const top = result.layers[4].delta.histogram;
    expect(backward.grid).toEqual({ lo: top.edges[0], hi: top.edges.at(-1), bins: 16 });
    for (const layer of [...forward.layers, ...backward.layers]) {
      const sum = layer.fractions.reduce((total, f) => total + f, 0) + layer.below + layer.above + layer.nan;
      expect(sum).toBeCloseTo(1, 9);
    }
    expect(nanShare(result, 'a')).toBe(0);
  });

  it('writes the landscape and the multiples as JSON with the grid, its centres and each layer', () => {
    const common = commonHistograms(result, 'z');
    const landscape = JSON.parse(toJson(landscapeJson(common, 'log', small)));
    expect(landscape).toMatchObject({ quantity: 'z', density: 'log', config: small });
    expect(landscape.grid.centres).toHaveLength(16);
    expect(landscape.layers).toHaveLength(5);
    expect(landscape.layers[2].fractions).toHaveLength(16);
    expect(landscape.layers[2].total).toBe(4 * 4 * 16);
    const multiples = JSON.parse(
      toJson(
        multiplesJson(
          common,
          [
            { layer: 1, note: 'rms 1' },
            { layer: 5, note: 'x' },
          ],
          3,
        ),
      ),
    );
    expect(multiples.selectedLayer).toBe(3);
    expect(multiples.layers.map((layer: { layer: number }) => layer.layer)).toEqual([1, 5]);
    expect(multiples.layers[1].fractions).toEqual(landscape.layers[4].fractions);
  });
});

describe('CSV exports', () => {
  it('moments: one row per layer, the measured E[a²] unrounded, zeros kept', () => {
    const rows = csvRows(momentsCsv(result));
    expect(rows[0].slice(0, 5)).toEqual(['layer', 'a_measured', 'a_p5', 'a_p95', 'a_theory']);
    expect(rows[0]).toContain('dW_theory');
    expect(rows[0].at(-1)).toBe('delta_nonfinite');
    expect(rows).toHaveLength(1 + 5);
    expect(Number(rows[3][1])).toBe(result.layers[2].a.meanSquare);
    const zeros = initStats({ ...small, scheme: 'zeros' });
    const zeroRows = csvRows(momentsCsv(zeros));
    const deltaColumn = zeroRows[0].indexOf('delta_measured');
    expect(zeroRows[1][deltaColumn]).toBe('0'); // exactly 0 below the top: a gap on the chart, a number here
  });

  it('derivation: the seven steps with predicted and measured numbers', () => {
    const readings = derivationReadings(result, 3, gradientVerdict(small));
    const text = derivationCsv(readings, 3);
    const lines = text.trim().split('\n');
    expect(lines[0]).toBe('step,claim,formula_tex,layer,predicted,measured,holds,reading');
    expect(lines).toHaveLength(8);
    expect(lines[2]).toMatch(/^2,terms independent \(biases 0\),/);
    expect(text).toContain(String(result.layers[2].z.variance)); // step 2 measures Var(z[3]) unrounded
  });

  it('symmetry: the spread of every layer, identical when exactly 0', () => {
    const zeros = initStats({ ...small, scheme: 'zeros' });
    const rows = csvRows(symmetryCsv(zeros));
    expect(rows[0]).toEqual(['layer', 'spread', 'identical']);
    expect(rows.slice(1, 5).map((row) => row[2])).toEqual(['true', 'true', 'true', 'true']);
    expect(csvRows(symmetryCsv(result))[1][2]).toBe('false');
  });
});
