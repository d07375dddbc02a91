// The Trainable depth panel's pure parts: the depth list's message, URL state under td. (clamped with notices,
// defaults omitted), the link to the phase map's window, the command line, the cell lookup, and the colour
// values with diverged cells (NaN: hatched, outside the fixed 0–1 scale).
import { describe, expect, it } from 'vitest';
import type { TrainabilityCell } from '../../src/core/trainability';
import { TRAINABILITY_DEPTHS, validateTrainabilityConfig } from '../../src/core/trainabilityConfig';
import { depthScaleCurve } from '../../src/ui/trainabilityPanel';
import {
  depthCellAt,
  depthCellHatched,
  depthCellLines,
  depthCellValue,
  depthCommand,
  depthConfig,
  depthUrlKeys,
  divergedCells,
  parseDepthsField,
  readDepthUrl,
  withDepthKnob,
  writeDepthUrl,
} from '../../src/ui/trainabilityState';
import { depthRowEdges, depthShareColor } from '../../src/view/trainabilityMap';

const PHASE = { activation: 'relu', sw2Min: 1, sw2Max: 3 };

function cell(learned: number, diverged: number, copies = 4): TrainabilityCell {
  return {
    sw2: 1,
    depth: 8,
    copies,
    learned,
    diverged,
    finalLoss: diverged >= 1 ? { p10: null, median: null, p90: null } : { p10: 0.01, median: 0.02, p90: 0.5 },
    medianAccuracy: diverged >= 1 ? null : 0.95,
  };
}

describe('the depth list field', () => {
  it('takes increasing integers and explains anything else with the parser’s message', () => {
    expect(parseDepthsField(' 2, 8 ,32')).toEqual({ depths: [2, 8, 32] });
    for (const bad of ['8,2', '2,,4', '<b>2</b>', '', '0', '2,100', '2.5']) {
      const parsed = parseDepthsField(bad);
      expect('message' in parsed && parsed.message).toMatch(/^depths must be 1–16 increasing comma-separated integers/);
      expect('message' in parsed && parsed.message).toContain(JSON.stringify(bad));
    }
  });
});

describe('the panel’s URL state', () => {
  it('reads td.* keys with the backend’s defaults, clamps with notices, and writes only what differs', () => {
    const clean = readDepthUrl(new URLSearchParams('cellsW=8'), 'software');
    expect(clean.notices).toEqual([]);
    expect(clean.state.depths).toEqual([...TRAINABILITY_DEPTHS.software]);
    expect(clean.state.values.sw2Cells).toBe(4);
    expect(clean.state.link).toBe(true);
    expect(writeDepthUrl(clean.state, 'software').toString()).toBe('');

    const bad = readDepthUrl(new URLSearchParams('td.steps=abc&td.copies=99&td.depths=4,2&td.link=false'), 'software');
    expect(bad.state.values.copies).toBe(16);
    expect(bad.state.depths).toEqual([...TRAINABILITY_DEPTHS.software]);
    expect(bad.state.link).toBe(false);
    const notices = bad.notices.join('\n');
    expect(notices).toMatch(/td\.copies: "99" is not an integer in 1–16; clamped to 16/);
    expect(notices).toMatch(/td\.depths: depths must be .*"4,2".*; using 2, 8, 32/);
    const written = writeDepthUrl({ ...bad.state, depths: [2, 4] }, 'software');
    expect(written.get('td.copies')).toBe('16');
    expect(written.get('td.link')).toBe('0');
    expect(written.get('td.depths')).toBe('2,4');
    expect(readDepthUrl(written, 'software').state).toEqual({ ...bad.state, depths: [2, 4] });
    expect(depthUrlKeys()).toEqual(expect.arrayContaining(['td.steps', 'td.depths', 'td.link', 'td.sw2Min']));
  });

  it('a knob is parsed and clamped by the table', () => {
    const { state } = readDepthUrl(new URLSearchParams(), 'cpu');
    const moved = withDepthKnob(state, 'cpu', 'width', 999);
    expect(moved.state.values.width).toBe(32);
    expect(moved.notice).toMatch(/clamped to 32/);
    expect(withDepthKnob(state, 'cpu', 'link', false).state.link).toBe(false);
  });
});

describe('the experiment and its command', () => {
  it('follows the phase map’s window and activation while linked, its own knobs otherwise', () => {
    const { state } = readDepthUrl(new URLSearchParams('td.sw2Min=2&td.sw2Max=5&td.steps=20'), 'cpu');
    const linked = depthConfig(state, PHASE);
    expect([linked.activation, linked.sw2Min, linked.sw2Max, linked.steps]).toEqual(['relu', 1, 3, 20]);
    const own = depthConfig({ ...state, link: false }, PHASE);
    expect([own.activation, own.sw2Min, own.sw2Max]).toEqual(['tanh', 2, 5]);
    // A phase window outside the table's range is clamped into it.
    expect(depthConfig(state, { ...PHASE, sw2Min: 0, sw2Max: 500 }).sw2Max).toBe(100);
  });

  it('writes the CLI’s flags (defaults omitted, the depth list when not the CLI’s)', () => {
    expect(depthCommand(validateTrainabilityConfig({}))).toBe('npm run cli -- trainability');
    const config = validateTrainabilityConfig({ sw2Cells: 2, copies: 2, steps: 20, depths: '2,4', activation: 'relu' });
    expect(depthCommand(config)).toBe(
      'npm run cli -- trainability --activation=relu --sw2-cells=2 --copies=2 --steps=20 --depths=2,4',
    );
  });
});

describe('cells', () => {
  it('finds a cell by column and row (row-major) and nothing outside the grid', () => {
    const config = validateTrainabilityConfig({ sw2Cells: 3, depths: '2,4' });
    const cells = Array.from({ length: 6 }, (_, index) => ({ ...cell(index / 6, 0), depth: index }));
    const result = { config, cells };
    expect(depthCellAt(result, { column: 2, row: 1 })?.depth).toBe(5);
    expect(depthCellAt(result, { column: 0, row: 1 })?.depth).toBe(3);
    expect(depthCellAt(result, { column: 3, row: 0 })).toBeUndefined();
    expect(depthCellAt(result, { column: 0, row: 2 })).toBeUndefined();
    expect(depthCellAt(result, undefined)).toBeUndefined();
  });

  it('colours the learned share on a fixed scale; diverged cells are hatched, all-diverged ones have no colour', () => {
    expect(depthCellValue(cell(0.75, 0))).toBe(0.75);
    expect(depthCellHatched(cell(0.75, 0))).toBe(false);
    expect(depthCellValue(cell(0.25, 0.5))).toBe(0.25);
    expect(depthCellHatched(cell(0.25, 0.5))).toBe(true);
    expect(depthCellValue(cell(0, 1))).toBeNaN();
    expect(depthShareColor(depthCellValue(cell(0, 1)))).toBeNull();
    expect(depthShareColor(0)).not.toEqual(depthShareColor(1));
    expect(depthShareColor(1.5)).toEqual(depthShareColor(1));
    expect(divergedCells([cell(1, 0), cell(0.5, 0.25), cell(0, 1)])).toEqual({ all: 1, some: 1 });
  });

  it('says a cell’s numbers as k/K copies', () => {
    const lines = Object.fromEntries(depthCellLines(cell(0.5, 0.25)));
    expect(lines.learned).toBe('2/4 copies');
    expect(lines.diverged).toMatch(/^1\/4 copies \(not finite/);
    expect(lines['final training loss']).toBe('median 0.02 (p10 0.01, p90 0.5)');
    expect(Object.fromEntries(depthCellLines(cell(0, 1)))['final training loss']).toMatch(/no finite copy/);
  });
});

describe('the map’s geometry and the theory curve', () => {
  it('places rows on log₂ depth with edges midway between neighbours', () => {
    expect(depthRowEdges([2, 8, 32])).toEqual([0, 2, 4, 6]);
    expect(depthRowEdges([4])).toEqual([1.5, 2.5]);
  });

  it('ξ_c over σ_w²: largest near the critical point (tanh, σ_b² = 0.05)', () => {
    const curve = depthScaleCurve({ activation: 'tanh', sb2: 0.05 }, 0.5, 4, 36);
    expect(curve).toHaveLength(36);
    const deepest = curve.reduce((best, point) => (point.xi > best.xi ? point : best));
    expect(deepest.sw2).toBeGreaterThan(1);
    expect(deepest.sw2).toBeLessThan(2);
    expect(curve[0].xi).toBeGreaterThan(0);
  });
});

describe('the CPU backend’s engine (the twin in pieces; inline here, where Node has no Worker)', () => {
  it('gives the twin’s result, shows progress piece by piece and stops on an abort', async () => {
    const { WorkerTrainability } = await import('../../src/ui/trainabilityEngines');
    const { trainabilityCpu } = await import('../../src/core/trainability');
    const config = validateTrainabilityConfig({
      sw2Cells: 2,
      depths: '2,4',
      copies: 2,
      steps: 12,
      points: 8,
      width: 4,
    });
    const engine = new WorkerTrainability();
    const progress: number[] = [];
    const result = await engine.run(config, { onProgress: (done) => progress.push(done) });
    expect(result).toEqual(await trainabilityCpu(config));
    expect(progress[0]).toBe(0);
    expect(progress.at(-1)).toBe(12);
    expect(progress.length).toBeGreaterThan(2);
    const controller = new AbortController();
    const aborted = engine.run(config, {
      signal: controller.signal,
      onProgress: (done) => done > 0 && controller.abort(),
    });
    await expect(aborted).rejects.toThrow();
    expect(await engine.run({ ...config, steps: 0 }, {})).toEqual(await trainabilityCpu({ ...config, steps: 0 }));
    engine.destroy();
  });
});
