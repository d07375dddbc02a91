// The phase command's flags: the table's own, the --sw2 / --sb2 / --grid shorthands, and usage errors
// that name the flag and its range; non-finite numbers kept as strings in the JSON.
import { describe, expect, it } from 'vitest';
import { parseFlags, UsageError } from '../../src/cli/args';
import { nonFiniteAsStrings, phaseConfigFromFlags } from '../../src/cli/phaseCommand';

const read = (line: string) => phaseConfigFromFlags(parseFlags(line.split(' ').filter(Boolean)));

describe('phase command flags', () => {
  it("reads the issue's example", () => {
    const config = read(
      '--activation=tanh --sw2=0.5,4 --sb2=0,0.5 --grid=16x12 --width=256 --depth=30 --inits=16 --batch=8 ' +
        '--c0=0.5 --seed=1',
    );
    expect(config).toEqual({
      activation: 'tanh',
      sw2Min: 0.5,
      sw2Max: 4,
      sb2Min: 0,
      sb2Max: 0.5,
      cellsW: 16,
      cellsB: 12,
      width: 256,
      depth: 30,
      inits: 16,
      batch: 8,
      c0: 0.5,
      seed: 1,
    });
  });

  it("takes the table's own flags, and defaults for the rest", () => {
    const config = read('--sw2-min=1 --sw2-max=2 --sb2-min=0.1 --sb2-max=0.2 --cells-w=4 --cells-b=5');
    expect(config).toMatchObject({ sw2Min: 1, sw2Max: 2, sb2Min: 0.1, sb2Max: 0.2, cellsW: 4, cellsB: 5 });
    expect(read('').activation).toBe('tanh');
  });

  it('refuses a shorthand given with its long flags', () => {
    expect(() => read('--sw2=1,2 --sw2-max=3')).toThrow(UsageError);
    expect(() => read('--sw2=1,2 --sw2-max=3')).toThrow('--sw2 and --sw2-max are both given');
    expect(() => read('--grid=4x4 --cells-w=4')).toThrow('--grid and --cells-w are both given');
    expect(() => read('--sb2=0,1 --sb2-min=0 --sb2-max=1')).toThrow('--sb2 and --sb2-min, --sb2-max are both given');
  });

  it('names the flag and the allowed range of a bad value', () => {
    expect(() => read('--sw2=0.5')).toThrow('--sw2 takes two values, min,max (e.g. --sw2=0.5,4); got "0.5"');
    expect(() => read('--sw2')).toThrow('--sw2 takes two values');
    expect(() => read('--sw2=0.5,400')).toThrow('--sw2 (--sw2-max): sw2Max must be a finite number in 0.01–100');
    expect(() => read('--sb2=-1,1')).toThrow('--sb2 (--sb2-min): sb2Min must be');
    expect(() => read('--grid=3y3')).toThrow('--grid takes two values, W×B as WxB (e.g. --grid=16x16); got "3y3"');
    expect(() => read('--grid=65x2')).toThrow(/--grid \(--cells-w\): cellsW must be .*1–64/);
    expect(() => read('--grid=2x0')).toThrow('--grid (--cells-b)');
    expect(() => read('--width=1')).toThrow(/--width: width must be .*2–4096/);
    expect(() => read('--activation=softplus')).toThrow('--activation');
    expect(() => read('--cells=3')).toThrow('unknown flag --cells');
  });

  it('refuses a range whose end is below its start, naming the end', () => {
    expect(() => read('--sw2=4,0.5')).toThrow(UsageError);
    expect(() => read('--sw2=4,0.5')).toThrow('--sw2-max: σ_w² to (0.5) is below σ_w² from (4)');
    expect(() => read('--sb2-min=0.5 --sb2-max=0')).toThrow('--sb2-max');
  });
});

describe('nonFiniteAsStrings', () => {
  it('keeps NaN and ±Infinity as strings, everything else as it is', () => {
    const value = { a: NaN, b: [Infinity, -Infinity, 1.5], c: { d: 0, e: 'x', f: null, g: true } };
    expect(JSON.parse(JSON.stringify(nonFiniteAsStrings(value)))).toEqual({
      a: 'NaN',
      b: ['Infinity', '-Infinity', 1.5],
      c: { d: 0, e: 'x', f: null, g: true },
    });
  });
});
