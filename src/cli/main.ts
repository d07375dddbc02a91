// Command-line entry: `npm run cli -- <command> [--flag=value …]`, JSON on stdout; progress and an
// estimate of the time left on stderr; Ctrl-C cancels a GPU run (exit 130), a second Ctrl-C at once.
import { parseFlags, switchFlag, UsageError } from './args';
import { COMMANDS } from './commands';
import { cancelledText, Progress } from './progress';

/** The exit status of a run cancelled by Ctrl-C (128 + SIGINT), as a shell reports it. */
export const CANCELLED_STATUS = 130;

function usage(): string {
  return [
    'usage: npm run cli -- <command> [--flag=value ...]   (each command takes --help)',
    '',
    ...COMMANDS.map((command) => `  ${command.name.padEnd(10)} ${command.summary}`),
  ].join('\n');
}

/**
 * Writes to stdout and waits until it is handed to the OS: a pipe takes 64 KiB at once, and the
 * process.exit below would cut a longer JSON there (a 200-layer `stats` output was truncated).
 */
function writeOut(text: string): Promise<void> {
  return new Promise((resolve, reject) => process.stdout.write(text, (error) => (error ? reject(error) : resolve())));
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === 'help') {
    process.stdout.write(`${usage()}\n`);
    return name ? 0 : 2;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (!command) {
    process.stderr.write(`unknown command "${name}"\n${usage()}\n`);
    return 2;
  }
  try {
    const flags = parseFlags(rest);
    if (flags.values.help) {
      process.stdout.write(`npm run cli -- ${command.name} [flags]\n${command.summary}\n\n${command.help()}\n`);
      return 0;
    }
    // The CPU twin runs synchronously: nothing could answer a Ctrl-C there, so Node's own handling
    // (an immediate exit, status 130 in the shell) stays. A GPU run awaits its device: it can stop cleanly.
    if (!switchFlag(flags, 'cpu')) process.on('SIGINT', onInterrupt);
    const output = await command.run(flags, { signal: cancel.signal, progress });
    progress.end();
    if (cancel.signal.aborted) throw cancel.signal.reason;
    if (output !== undefined) await writeOut(`${JSON.stringify(output, null, 2)}\n`);
    return 0;
  } catch (error) {
    progress.end();
    if (cancel.signal.aborted) {
      process.stderr.write(`${cancelledText(command.name, progress)}\n`);
      return CANCELLED_STATUS;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${command.name}: ${message}\n`);
    return error instanceof UsageError || (error instanceof Error && error.name === 'ConfigError') ? 2 : 1;
  }
}

const cancel = new AbortController();
const progress = new Progress();

/** The first Ctrl-C aborts the run; a second one (a run that does not stop) exits at once. */
function onInterrupt(): void {
  if (cancel.signal.aborted) process.exit(CANCELLED_STATUS);
  const error = new Error('cancelled (Ctrl-C)');
  error.name = 'AbortError';
  cancel.abort(error);
}

// Dawn keeps the event loop alive after the device is destroyed; exit explicitly.
// A GPU error reported while the command ran (src/cli/gpu.ts) has set process.exitCode to 1.
main(process.argv.slice(2)).then(
  (code) => process.exit(code === 0 ? (process.exitCode ?? 0) : code),
  (error) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  },
);
