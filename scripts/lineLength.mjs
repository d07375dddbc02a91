// Lines of at most 120 characters in the project's sources (the formatter cannot split a long
// string or comment; this check names each line that is over). Exit status 1 when any is.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const LIMIT = 120;
const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { encoding: 'utf8' })
  .split('\n')
  .filter((file) => /^(src|tests|shaders|scripts)\/.*\.(ts|mjs|wgsl|css)$/.test(file) || /^[^/]+\.ts$/.test(file));
const over = [];
for (const file of files) {
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    continue; // listed but deleted in the work tree
  }
  text.split('\n').forEach((line, index) => {
    if ([...line].length > LIMIT) over.push(`${file}:${index + 1}: ${[...line].length} characters`);
  });
}
if (over.length > 0) {
  console.error(`${over.length} lines over ${LIMIT} characters:\n${over.join('\n')}`);
  process.exit(1);
}
console.log(`line length: every line of ${files.length} files is at most ${LIMIT} characters`);
