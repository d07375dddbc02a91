// URL state of the Initialization explorer: round trip through writeInitUrl / readInitUrl, adapter
// defaults, malformed input (clamped or replaced, each with a notice, never a throw), the width knob
// carrying inputWidth along, and the `stats` command line.
import { describe, expect, it } from 'vitest';
import { INIT_PARAMS, validateInitConfig } from '../../src/core/initConfig';
import { threefry2x32 } from '../../src/core/rng';
import {
  defaultInitConfig,
  type InitViewState,
  initCommand,
  initParamTable,
  inspectedLayer,
  nextSeed,
  readInitUrl,
  withKnob,
  writeInitUrl,
} from '../../src/ui/initUrl';
import { shrunkSizes } from '../../src/ui/kit/frame';

const VIEW: InitViewState = { quantity: 'a', density: 'log', layer: 0 };

/** The page's defaults, as the table states them. */
const spec = (key: string) => INIT_PARAMS.find((candidate) => candidate.key === key);
const SOFTWARE_DEFAULTS = { width: spec('width')?.softwareDefault, inits: spec('inits')?.softwareDefault };
const HARDWARE_DEFAULTS = { width: spec('width')?.gpuDefault, inits: spec('inits')?.gpuDefault };

describe('adapter defaults', () => {
  it('software adapters start small, GPUs large (K ≥ 1024, n ≥ 1024); ranges stay the table’s', () => {
    expect(defaultInitConfig('software')).toMatchObject({
      width: SOFTWARE_DEFAULTS.width,
      inputWidth: SOFTWARE_DEFAULTS.width,
      inits: SOFTWARE_DEFAULTS.inits,
    });
    expect(defaultInitConfig('gpu')).toMatchObject({
      width: HARDWARE_DEFAULTS.width,
      inputWidth: HARDWARE_DEFAULTS.width,
      inits: HARDWARE_DEFAULTS.inits,
    });
    expect(HARDWARE_DEFAULTS.width).toBeGreaterThanOrEqual(1024);
    expect(HARDWARE_DEFAULTS.inits).toBeGreaterThanOrEqual(1024);
    expect(SOFTWARE_DEFAULTS.inits).toBeLessThanOrEqual(64);
    for (const backend of ['software', 'gpu'] as const) {
      initParamTable(backend).forEach((spec, index) => {
        const original = INIT_PARAMS[index];
        expect({ ...spec, default: original.default }).toEqual(original);
      });
    }
    expect(initParamTable('gpu').find((spec) => spec.key === 'width')?.max).toBe(16384);
    // The command line keeps its own defaults (n = 128, K = 64): the page's live in softwareDefault/gpuDefault.
    expect(validateInitConfig({})).toMatchObject({ width: 128, inits: 64 });
  });

  it('the software note names each shrunk size with what a GPU starts at', () => {
    expect(shrunkSizes(INIT_PARAMS)).toBe('width n 64 (GPU 1024), initializations K 64 (GPU 1024)');
  });

  it('an empty query gives the defaults, no notices, and writes back to an empty query', () => {
    for (const backend of ['software', 'gpu'] as const) {
      const state = readInitUrl(new URLSearchParams(), backend);
      expect(state).toEqual({ config: defaultInitConfig(backend), view: VIEW, notices: [] });
      expect(writeInitUrl(state.config, state.view, backend).toString()).toBe('');
    }
  });
});

describe('round trip', () => {
  it('keeps every field, including extreme and fractional values', () => {
    const config = validateInitConfig({
      depth: 200,
      width: 16384,
      inputWidth: 784,
      batch: 3,
      inits: 65536,
      activation: 'sigmoid',
      scheme: 'glorot-uniform',
      scale: 0.012345678901234,
      biasStd: 0.3,
      seed: 4294967295,
      bins: 200,
    });
    const view: InitViewState = { quantity: 'delta', density: 'linear', layer: 17 };
    for (const backend of ['software', 'gpu'] as const) {
      const search = writeInitUrl(config, view, backend);
      const back = readInitUrl(new URLSearchParams(search.toString()), backend);
      expect(back).toEqual({ config, view, notices: [] });
    }
  });

  it('omits defaults and keeps inputWidth tied to width unless set apart', () => {
    const config = { ...defaultInitConfig('software'), width: 256, inputWidth: 256, scale: 3 };
    const search = writeInitUrl(config, VIEW, 'software');
    expect(search.toString()).toBe('width=256&scale=3');
    expect(readInitUrl(search, 'software').config.inputWidth).toBe(256);
  });
});

describe('malformed input', () => {
  it('clamps out-of-range numbers and rounds integers, with a notice each', () => {
    const state = readInitUrl(new URLSearchParams('depth=999&width=0&scale=1e9&inits=2.6&layer=-3'), 'software');
    expect(state.config).toMatchObject({ depth: 200, width: 1, inputWidth: 1, scale: 100, inits: 3 });
    expect(state.view.layer).toBe(0);
    expect(state.notices).toEqual([
      'depth: "999" is not an integer in 1–200; clamped to 200',
      'width: "0" is not an integer in 1–16384; clamped to 1',
      'inits: "2.6" is not an integer in 1–65536; rounded to 3',
      'scale: "1e9" is not a finite number in 0–100; clamped to 100',
      'layer: "-3" is not an integer in 0–200; clamped to 0',
    ]);
  });

  it('replaces garbage by the default with a notice, and names unknown keys', () => {
    const state = readInitUrl(
      new URLSearchParams('activation=softmax&width=wide&scale=NaN&density=cubic&quantity=w&widht=5'),
      'gpu',
    );
    expect(state.config).toEqual(defaultInitConfig('gpu'));
    expect(state.view).toEqual(VIEW);
    expect(state.notices).toEqual([
      'unknown parameter "widht" ignored',
      `width: "wide" is not an integer in 1–16384; using ${HARDWARE_DEFAULTS.width}`,
      'activation: "softmax" is not one of tanh, sigmoid, relu, linear; using "tanh"',
      'scale: "NaN" is not a finite number in 0–100; using 1',
      'quantity: "w" is not one of a, z, delta; using "a"',
      'density: "cubic" is not one of log, linear; using "log"',
    ]);
  });

  it('never throws on odd encodings', () => {
    for (const query of [
      'depth=%20',
      'seed=-1',
      'seed=4294967296',
      'biasStd=-0',
      'bins=1e400',
      'scale=0x10',
      'depth=1,2',
      'depth=&depth=5',
    ]) {
      const state = readInitUrl(new URLSearchParams(query), 'software');
      expect(() => validateInitConfig({ ...state.config })).not.toThrow();
    }
    expect(readInitUrl(new URLSearchParams('seed=4294967296'), 'software').config.seed).toBe(4294967295);
    expect(readInitUrl(new URLSearchParams('seed=-1'), 'software').config.seed).toBe(0);
    expect(readInitUrl(new URLSearchParams('depth=3&depth=5'), 'software')).toMatchObject({
      config: { depth: 5 },
      notices: ['depth is given 2 times; using the last ("5")'],
    });
  });
});

describe('knobs and the command line', () => {
  const table = initParamTable('software');
  const base = defaultInitConfig('software');

  it('a new width carries inputWidth along unless the two were set apart', () => {
    expect(withKnob(table, base, 'width', 256).config).toMatchObject({ width: 256, inputWidth: 256 });
    const apart = { ...base, inputWidth: 784 };
    expect(withKnob(table, apart, 'width', 256).config).toMatchObject({ width: 256, inputWidth: 784 });
    expect(withKnob(table, base, 'inputWidth', 10).config).toMatchObject({ width: 64, inputWidth: 10 });
  });

  it('clamps through the table, with the message', () => {
    const moved = withKnob(table, base, 'depth', 500);
    expect(moved.config.depth).toBe(200);
    expect(moved.message).toBe('depth: 500 is not an integer in 1–200; clamped to 200');
    expect(withKnob(table, base, 'nope', 1).config).toBe(base);
  });

  it('writes `stats` with the flags that differ from the CLI’s defaults (kebab-case)', () => {
    expect(initCommand(validateInitConfig({}))).toBe('npm run cli -- stats');
    // The software adapter's start: n = 64 differs from the CLI's 128, K = 64 does not.
    expect(initCommand(base)).toBe('npm run cli -- stats --width=64');
    const config = { ...base, depth: 20, inputWidth: 784, biasStd: 0.5, scheme: 'he-normal' as const, scale: 0.3 };
    expect(initCommand(config)).toBe(
      'npm run cli -- stats --depth=20 --width=64 --input-width=784 --scheme=he-normal --scale=0.3 --bias-std=0.5',
    );
  });
});

describe('nextSeed and inspectedLayer', () => {
  it('re-seeds deterministically with a Threefry word of the old seed', () => {
    expect(nextSeed(1)).toBe(threefry2x32(1, 0x5eed5eed, 0, 0)[0]);
    expect(nextSeed(1)).toBe(nextSeed(1));
    const seen = new Set<number>();
    let seed = 1;
    for (let i = 0; i < 100; i++) {
      seed = nextSeed(seed);
      expect(Number.isInteger(seed) && seed >= 0 && seed <= 4294967295).toBe(true);
      seen.add(seed);
    }
    expect(seen.size).toBe(100);
  });

  it('clamps the inspected layer to the depth; 0 means the middle layer', () => {
    expect(inspectedLayer({ ...VIEW, layer: 0 }, 10)).toBe(5);
    expect(inspectedLayer({ ...VIEW, layer: 0 }, 1)).toBe(1);
    expect(inspectedLayer({ ...VIEW, layer: 50 }, 10)).toBe(10);
    expect(inspectedLayer({ ...VIEW, layer: 3 }, 10)).toBe(3);
  });
});

describe('the inspected layer', () => {
  it('is clamped to the depth, with a notice', () => {
    const state = readInitUrl(new URLSearchParams('depth=10&layer=150'), 'software');
    expect(state.view.layer).toBe(10);
    expect(state.notices).toContain('layer: 150 is deeper than depth 10; using 10');
    expect(readInitUrl(new URLSearchParams('depth=10&layer=4'), 'software').view.layer).toBe(4);
  });
});
