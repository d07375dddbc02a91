// The subcommands of the command line, in the order `--help` lists them.
import { BENCH_SUITES } from '../bench/suites';
import { benchCommand } from './benchCommand';
import type { CliCommand } from './command';
import { phaseCommand } from './phaseCommand';
import { regularizationCommand } from './regularizationCommand';
import { selfcheckCommand } from './selfcheckCommand';
import { statsCommand } from './statsCommand';
import { trainabilityCommand } from './trainabilityCommand';
import { trainCommand } from './trainCommand';

export const COMMANDS: readonly CliCommand[] = [
  statsCommand,
  regularizationCommand,
  trainCommand,
  phaseCommand,
  trainabilityCommand,
  benchCommand(BENCH_SUITES),
  selfcheckCommand,
];
