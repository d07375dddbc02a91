// Command-line entry: `npm run cli -- <command> [--flag=value …]`, JSON on stdout.
import { parseFlags, UsageError } from './args';
import { COMMANDS } from './commands';

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
    const output = await command.run(flags);
    if (output !== undefined) await writeOut(`${JSON.stringify(output, null, 2)}\n`);
    return 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${command.name}: ${message}\n`);
    return error instanceof UsageError || (error instanceof Error && error.name === 'ConfigError') ? 2 : 1;
  }
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
