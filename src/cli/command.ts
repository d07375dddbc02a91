// What one subcommand of `npm run cli -- <command>` provides.
import type { ParsedFlags } from './args';

export interface CliCommand {
  name: string;
  summary: string;
  /** The flag list shown by `<command> --help`. */
  help(): string;
  /** Returns what is printed as JSON (or, for commands that print tables themselves, undefined). */
  run(flags: ParsedFlags): Promise<unknown>;
}
