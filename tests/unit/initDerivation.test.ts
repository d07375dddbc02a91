// The numbers beside the Xavier steps, on small CPU runs (the CPU twin of the GPU engine).
import { describe, expect, it } from 'vitest';
import { validateInitConfig } from '../../src/core/initConfig';
import { initStats } from '../../src/core/initStats';
import { derivationReadings, formatNumber, verdictText } from '../../src/ui/initDerivation';
import { gradientVerdict } from '../../src/ui/initVerdict';

const small = { depth: 6, width: 48, batch: 4, inits: 6, bins: 16 };

describe('derivationReadings', () => {
  it('Xavier + tanh: step 2 (the variance sum) holds; sigmoid fails step 3 (not zero-mean)', () => {
    const tanh = validateInitConfig({ ...small });
    const readings = derivationReadings(initStats(tanh), 4, gradientVerdict(tanh));
    expect(readings).toHaveLength(7);
    expect(readings[1].holds).toBe(true);
    expect(readings[2].holds).toBe(true);
    expect(readings[4].holds).toBe(true); // n·Var(W) = 1
    const sigmoid = validateInitConfig({ ...small, activation: 'sigmoid' });
    const sigmoidReadings = derivationReadings(initStats(sigmoid), 4, gradientVerdict(sigmoid));
    expect(sigmoidReadings[2].holds).toBe(false);
    expect(sigmoidReadings[2].text).toContain('not zero-mean');
  });

  it('zeros: nothing breaks, and the verdict names the symmetry', () => {
    const zeros = validateInitConfig({ ...small, scheme: 'zeros' });
    const result = initStats(zeros);
    const verdict = gradientVerdict(zeros);
    expect(() => derivationReadings(result, 1, verdict)).not.toThrow();
    const text = verdictText(zeros, result, verdict);
    expect(text.symmetric).toBe(true);
    expect(text.headline).toContain('exactly 0');
    expect(verdict.verdict).toBe('vanishing');
  });

  it('tolerates a one-layer net', () => {
    const one = validateInitConfig({ ...small, depth: 1 });
    const readings = derivationReadings(initStats(one), 5, gradientVerdict(one));
    expect(readings[6].holds).toBeNull();
  });
});

describe('formatNumber', () => {
  it('prints 3 significant digits, exponents outside [1e-3, 1e4), and dashes for no value', () => {
    expect(formatNumber(0.123456)).toBe('0.123');
    expect(formatNumber(12345)).toBe('1.23e4');
    expect(formatNumber(0.0001234)).toBe('1.23e-4');
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(null)).toBe('—');
    expect(formatNumber(NaN)).toBe('—');
    expect(formatNumber(-Infinity)).toBe('−∞');
  });
});
