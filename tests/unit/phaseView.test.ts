// The Signal propagation explorer's pure parts: URL state (clamped with notices, defaults omitted, a reversed
// window swapped), the link to the Initialization explorer (round trip through its URL reader), presets, the
// verdict text, and the colour scales with non-finite cells.
import { describe, expect, it } from 'vitest';
import type { PhaseCell } from '../../src/core/phase';
import { weightVariance } from '../../src/core/schemes';
import { readInitUrl } from '../../src/ui/initUrl';
import { mapScale, mapValue } from '../../src/ui/phasePanels';
import {
  applyPhasePreset,
  cellVerdict,
  defaultPhaseConfig,
  explodedCells,
  initLinkParams,
  PHASE_PRESETS,
  phaseCommand,
  pinnedCell,
  readPhaseUrl,
  writePhaseUrl,
} from '../../src/ui/phaseState';
import { divergingColor, divergingScale, MIN_LOG_RANGE, phaseColor, sequentialScale } from '../../src/view/phaseColors';

describe('phase URL state', () => {
  it('reads defaults for the backend, clamps bad values with notices and writes only what differs', () => {
    const clean = readPhaseUrl(new URLSearchParams(), 'cpu');
    expect(clean.notices).toEqual([]);
    expect(clean.config).toEqual(defaultPhaseConfig('cpu'));
    expect(clean.config.cellsW).toBe(8);
    expect(writePhaseUrl(clean.config, clean.view, 'cpu').toString()).toBe('');

    const bad = readPhaseUrl(new URLSearchParams('cellsW=999&width=abc&map=<b>x</b>&bogus=1'), 'gpu');
    expect(bad.config.cellsW).toBe(64);
    expect(bad.config.width).toBe(256);
    expect(bad.view.map).toBe('chi1');
    expect(bad.notices.join('\n')).toMatch(/unknown parameter "bogus" ignored/);
    expect(bad.notices.join('\n')).toMatch(/cellsW: "999" is not an integer in 1–64; clamped to 64/);
    expect(bad.notices.join('\n')).toMatch(/map: "<b>x<\/b>" is not one of chi1, c; using "chi1"/);

    const state = readPhaseUrl(new URLSearchParams('sw2Min=3&sw2Max=1&map=c&pinW=2&pinB=1'), 'software');
    expect([state.config.sw2Min, state.config.sw2Max]).toEqual([1, 3]);
    expect(state.notices.join('\n')).toMatch(/swapped/);
    const written = writePhaseUrl(state.config, state.view, 'software');
    expect(written.toString()).toBe('sw2Min=1&sw2Max=3&map=c&pinW=2&pinB=1');
    expect(readPhaseUrl(written, 'software').config).toEqual(state.config);
    expect(phaseCommand(state.config)).toBe(
      'npm run cli -- phase --sw2-min=1 --sw2-max=3 --cells-w=12 --cells-b=12 --width=64 --depth=16 --inits=4 ' +
        '--batch=2',
    );
  });

  it('pins the cell nearest the critical point unless one is set', () => {
    const config = defaultPhaseConfig('cpu'); // σ_w² 0.5 … 4 in 8 columns: 0.5, 1, 1.5, …
    const view = readPhaseUrl(new URLSearchParams(), 'cpu').view;
    expect(pinnedCell(config, view, 1)).toEqual({ iw: 1, ib: 0 });
    expect(pinnedCell(config, view, 2)).toEqual({ iw: 3, ib: 0 });
    expect(pinnedCell(config, view, NaN)).toEqual({ iw: 3, ib: 0 }); // the middle, 2.25: 2 before 2.5
    expect(pinnedCell(config, { ...view, pinW: 40, pinB: 2 }, 1)).toEqual({ iw: 7, ib: 2 });
  });
});

describe('presets and the Initialization link', () => {
  it('moves the window to hold the preset and pins its cell', () => {
    const config = defaultPhaseConfig('cpu');
    const view = readPhaseUrl(new URLSearchParams(), 'cpu').view;
    const find = (id: string) => PHASE_PRESETS.find((preset) => preset.id === id) ?? PHASE_PRESETS[0];
    const zero = applyPhasePreset(config, view, find('zero-ish'));
    expect(zero.config.sw2Min).toBe(0.05);
    expect([zero.view.pinW, zero.view.pinB]).toEqual([0, 0]);
    const he = applyPhasePreset(config, view, find('he-relu'));
    expect(he.config.activation).toBe('relu');
    expect([he.view.pinW, he.view.pinB]).toEqual([3, 0]);
    expect(PHASE_PRESETS.map((preset) => preset.label)).toEqual([
      'zero-ish',
      'too small',
      'Xavier',
      'too large',
      'He for ReLU',
    ]);
  });

  it('opens the same net in the Initialization explorer: Var(W)·n = σ_w², σ_b² = biasStd²', () => {
    const config = { ...defaultPhaseConfig('cpu'), activation: 'relu' as const, width: 48, depth: 20, seed: 9 };
    for (const [sw2, sb2] of [
      [2, 0],
      [0.37, 0.21],
      [100, 10],
    ]) {
      const link = initLinkParams(config, { sw2, sb2 });
      expect(link.get('view')).toBe('init');
      link.delete('view');
      const read = readInitUrl(link, 'gpu');
      expect(read.notices).toEqual([]);
      const init = read.config;
      expect(init.scheme).toBe('xavier-normal');
      expect(init.activation).toBe('relu');
      expect([init.width, init.inputWidth, init.depth, init.seed]).toEqual([48, 48, 20, 9]);
      expect(weightVariance(init.scheme, init.scale, init.width, init.width) * init.width).toBeCloseTo(sw2, 12);
      expect(init.biasStd ** 2).toBeCloseTo(sb2, 12);
    }
  });
});

/** A cell with these summaries (curves of length L, unused by the verdict). */
function cell(chi1: number, c: number, nonFinite = 0): PhaseCell {
  const measured = (value: number) => ({ measured: value, theory: value });
  const curves = { q: [1], c: [c], deltaSquare: [1] };
  return {
    sw2: 1,
    sb2: 0,
    iw: 0,
    ib: 0,
    qStar: measured(1),
    chi1: measured(chi1),
    c: measured(c),
    xiC: measured(3),
    measured: curves,
    theory: curves,
    nonFinite,
  };
}

describe('the verdict', () => {
  const config = { inits: 4, depth: 10, c0: 0.5 };
  it('names the phase, the factor per layer and what happens to the inputs', () => {
    const ordered = cellVerdict(cell(0.62, 0.999), config);
    expect(ordered.phase).toBe('ordered');
    expect(ordered.text).toBe(
      'ordered: χ₁ = 0.62, gradients shrink 0.62× per layer (×0.0135 over 10 layers)'.replace('0.0135', '0.014') +
        '; inputs collapse (c → 1: c^L = 1 from c₀ = 0.5).',
    );
    const chaotic = cellVerdict(cell(1.8, 0.2), config);
    expect(chaotic.phase).toBe('chaotic');
    expect(chaotic.text).toMatch(/^chaotic: χ₁ = 1\.8, gradients grow 1\.8× per layer .*nearby inputs decorrelate/);
    expect(cellVerdict(cell(1.02, 0.5), config).text).toMatch(/^critical: χ₁ = 1 ≈ 1, .*deep nets train here\.$/);
    const unmeasured = cell(NaN, 0.5);
    unmeasured.chi1.theory = 2;
    expect(cellVerdict(unmeasured, config).text).toMatch(/^chaotic: χ₁ = 2 \(theory; not measurable here\)/);
    expect(cellVerdict(cell(3, 0.1, 4), config).phase).toBe('exploded');
    expect(cellVerdict(cell(3, 0.1, 1), config).text).toMatch(/1 of 4 networks overflowed\.$/);
  });
});

describe('colour scales', () => {
  it('puts white at χ₁ = 1, blue below, red above, and leaves non-finite cells out of the range', () => {
    expect(divergingColor(0)).toEqual([0.97, 0.97, 0.97]);
    const [r0, , b0] = divergingColor(-1);
    const [r1, , b1] = divergingColor(1);
    expect(b0).toBeGreaterThan(r0);
    expect(r1).toBeGreaterThan(b1);

    const cells = [cell(0.5, 1), cell(2, 0.3), cell(NaN, NaN), cell(Infinity, 0.5), cell(1, 0.7)];
    const values = cells.map((c) => mapValue(c, 'chi1', 'measured'));
    const scale = mapScale(values, 'chi1');
    expect(scale.nonFinite).toBe(2);
    expect(scale.hi).toBeCloseTo(Math.log10(2), 12);
    expect(scale.lo).toBe(-scale.hi);
    expect(phaseColor(scale, values[2])).toBeNull();
    expect(phaseColor(scale, values[3])).toBeNull();
    expect(phaseColor(scale, values[4])).toEqual([0.97, 0.97, 0.97]);
    expect(divergingScale([0, 0.01, NaN]).hi).toBe(MIN_LOG_RANGE);
    expect(explodedCells(cells)).toBe(2);

    const c = sequentialScale([0.2, 0.9, NaN, -Infinity]);
    expect([c.lo, c.hi, c.nonFinite]).toEqual([0, 1, 2]);
    expect(phaseColor(c, Number.NaN)).toBeNull();
    expect(phaseColor(c, 1)).not.toBeNull();
  });
});
