// The subcommands of the command line, in the order `--help` lists them.
import type { CliCommand } from './command';

export const COMMANDS: readonly CliCommand[] = [];
