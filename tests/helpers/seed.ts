// The seed of a random test: fresh every run, replayable. `SEED=1234 npx vitest run tests/gpu/rng.test.ts`
// runs a file again on seed 1234; every test that draws from testSeed() names its seed (seedLabel) in
// its describe, so a failure says how to replay it.

/** SEED from the environment (a u32), else a new one from the clock. */
export function testSeed(): number {
  const given = process.env.SEED;
  if (given === undefined || given === '') return (Date.now() * 2654435761) >>> 0;
  const seed = Number(given);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
    throw new Error(`SEED must be an integer in 0–4294967295 (got "${given}")`);
  return seed;
}

/** "seed 1234, replay with SEED=1234", for describe and test names. */
export function seedLabel(seed: number): string {
  return `seed ${seed}, replay with SEED=${seed}`;
}
