import { describe, expect, it } from 'vitest';
import { parseFlags, UsageError } from '../../src/cli/args';
import { trainCommand, trainConfigFromFlags } from '../../src/cli/trainCommand';

function usageError(argv: string[]): string {
  try {
    trainConfigFromFlags(parseFlags(argv));
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  throw new Error(`no UsageError for ${argv.join(' ')}`);
}

describe('train command flags', () => {
  it("reads the issue's example", () => {
    const config = trainConfigFromFlags(
      parseFlags(
        (
          '--dataset=moons --hidden=8,8 --activation=tanh --scheme=xavier-normal --scale=1 --penalty=l2 ' +
          '--lambda=0.001 --alpha=0.5 --steps=500 --copies=256 --points=256 --seed=1 --cpu'
        ).split(' '),
      ),
    );
    expect(config).toMatchObject({
      dataset: 'moons',
      hidden: [8, 8],
      penalty: 'l2',
      lambda: 0.001,
      steps: 500,
      copies: 256,
      points: 256,
      seed: 1,
    });
    expect(
      trainConfigFromFlags(parseFlags(['--depth=3', '--width=4', '--test-share=0.25', '--l1-update=subgradient']))
        .hidden,
    ).toEqual([4, 4, 4]);
  });

  it('names the flag of a bad value', () => {
    expect(usageError(['--copies=0'])).toMatch(/^--copies: copies must be an integer in 1–4096/);
    expect(usageError(['--hidden=8,x'])).toMatch(/^--hidden: /);
    expect(usageError(['--hidden'])).toMatch(/^--hidden needs a value/);
    expect(usageError(['--hidden=8', '--width=3'])).toMatch(/^--hidden: give hidden/);
    expect(usageError(['--penalty=l2', '--alpha=2', '--lambda=0.3'])).toMatch(/^--lambda: L2 weight decay/);
    expect(usageError(['--test-share=0.95'])).toMatch(/^--test-share: /);
    expect(usageError(['--bogus=1'])).toMatch(/unknown flag --bogus/);
  });

  it('lists every flag with its range in --help', () => {
    const help = trainCommand.help();
    for (const flag of ['--dataset', '--points', '--copies', '--lambda', '--l1-update', '--hidden', '--cpu'])
      expect(help).toContain(flag);
    expect(help).toContain('an integer in 1–4096');
  });
});
