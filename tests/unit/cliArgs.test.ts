// One strict parser for the command line: a flag given twice, a switch with a value that is not
// true/false, and a choice that only an object's prototype has are usage errors naming the flag.
import { describe, expect, it } from 'vitest';
import { parseFlags, switchFlag, UsageError } from '../../src/cli/args';
import { regularizationConfigFromFlags } from '../../src/cli/regularizationCommand';
import { trainConfigFromFlags } from '../../src/cli/trainCommand';

describe('parseFlags', () => {
  it('refuses a repeated flag, naming it', () => {
    expect(() => parseFlags(['--depth=3', '--depth=4'])).toThrow(UsageError);
    expect(() => parseFlags(['--grid=64', '--grid=128'])).toThrow('--grid is given twice');
    expect(() => parseFlags(['--cpu', '--cpu'])).toThrow('--cpu is given twice');
    expect(parseFlags(['--depth=3', '--width=4']).values).toEqual({ depth: '3', width: '4' });
  });

  it('reads a flag named like an Object.prototype member as a flag, not a lookup', () => {
    expect(parseFlags(['--constructor=1']).values.constructor).toBe('1');
    expect(() => parseFlags(['--toString=1', '--toString=2'])).toThrow('given twice');
    expect(() => parseFlags(['--__proto__=1'])).toThrow('unexpected argument "--__proto__=1"');
    expect(() => trainConfigFromFlags(parseFlags(['--constructor=1']))).toThrow('unknown flag --constructor');
  });
});

describe('switchFlag', () => {
  const on = (raw: string[]) => switchFlag(parseFlags(raw), 'cpu');
  it('is off when absent or false/0 and on when alone or true/1', () => {
    expect(on([])).toBe(false);
    expect(on(['--cpu=false'])).toBe(false);
    expect(on(['--cpu=0'])).toBe(false);
    expect(on(['--cpu'])).toBe(true);
    expect(on(['--cpu=true'])).toBe(true);
    expect(on(['--cpu=1'])).toBe(true);
  });
  it('refuses any other value, naming the flag', () => {
    expect(() => on(['--cpu=abc'])).toThrow('--cpu is a switch');
    expect(() => on(['--cpu=yes'])).toThrow(UsageError);
  });
});

describe('choices on the command line', () => {
  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])('--rule=%s is a usage error', (rule) => {
    const flags = parseFlags([`--rule=${rule}`]);
    expect(() => regularizationConfigFromFlags(flags)).toThrow(UsageError);
    expect(() => regularizationConfigFromFlags(flags)).toThrow(`(got "${rule}")`);
  });
  it('the same switch rule holds in every command', () => {
    expect(() => regularizationConfigFromFlags(parseFlags(['--path=abc']))).toThrow('--path is a switch');
    expect(() => regularizationConfigFromFlags(parseFlags(['--path=false']))).not.toThrow();
    expect(() => trainConfigFromFlags(parseFlags(['--dataset=constructor']))).toThrow(UsageError);
  });
});
