// The command line's progress line (src/cli/progress.ts): done/total, elapsed, the time left.
import { describe, expect, it } from 'vitest';
import { cancelledText, formatDuration, Progress, progressText } from '../../src/cli/progress';

describe('progressText', () => {
  it('says what is done, the time elapsed and the time left at the rate so far', () => {
    expect(progressText(16, 64, 'initializations', 4000)).toBe('16/64 initializations · 4.0 s elapsed, ~12.0 s left');
    expect(progressText(0, 64, 'initializations', 10)).toBe('0/64 initializations · 10 ms elapsed');
    expect(progressText(64, 64, 'initializations', 200_000)).toBe('64/64 initializations · 3.3 min elapsed');
    // A finer share of the work than whole units (a chunk half done) gives the estimate before the first.
    expect(progressText(0, 4096, 'initializations', 3000, 0.001)).toBe(
      '0/4096 initializations · 3.0 s elapsed, ~50.0 min left',
    );
  });

  it('formats durations from milliseconds to hours', () => {
    expect([formatDuration(12.4), formatDuration(1500), formatDuration(600_000), formatDuration(9e6)]).toEqual([
      '12 ms',
      '1.5 s',
      '10.0 min',
      '2.5 h',
    ]);
    expect(formatDuration(Number.NaN)).toBe('…');
  });
});

describe('Progress', () => {
  it('rewrites one line on a terminal, logs above it, and says the end once', () => {
    const written: string[] = [];
    const progress = new Progress({ isTTY: true, write: (text: string) => written.push(text) }, 0);
    progress.update(1, 4, 'steps');
    progress.log('step 1: loss 0.5');
    progress.update(4, 4, 'steps');
    progress.update(4, 4, 'steps');
    progress.end();
    expect(written[0]).toMatch(/^\r1\/4 steps · \d+ ms elapsed, ~.+ left$/);
    expect(written[1]).toMatch(/^\rstep 1: loss 0\.5 *\n1\/4 steps/);
    expect(written[2]).toMatch(/^\r4\/4 steps · \d+ ms elapsed *$/);
    expect(written.slice(3)).toEqual(['\n']);
    expect(cancelledText('train', progress)).toMatch(
      /^train: cancelled \(Ctrl-C\) at 4\/4 steps after \d+ ms; the GPU device was released/,
    );
  });

  it('writes whole lines, a few seconds apart, into a pipe', () => {
    const written: string[] = [];
    const progress = new Progress({ write: (text: string) => written.push(text) });
    for (let done = 0; done <= 10; done++) progress.update(done, 10, 'rows of J');
    expect(written).toHaveLength(2); // the first and the last: the others came within the interval
    expect(written.every((line) => line.endsWith('\n'))).toBe(true);
  });
});
