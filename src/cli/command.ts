// What one subcommand of `npm run cli -- <command>` provides.
import type { ParsedFlags } from './args';
import type { Progress } from './progress';

/** What main gives a command run: Ctrl-C as an abort, and the progress line on stderr. */
export interface CommandContext {
  /** Aborted by Ctrl-C (SIGINT): stop, let the finally blocks release the device, throw an AbortError. */
  signal: AbortSignal;
  progress: Progress;
}

export interface CliCommand {
  name: string;
  summary: string;
  /** The flag list shown by `<command> --help`. */
  help(): string;
  /** Returns what is printed as JSON (or, for commands that print tables themselves, undefined). */
  run(flags: ParsedFlags, context: CommandContext): Promise<unknown>;
}
