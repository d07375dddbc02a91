// The kit's "latest settings win" runner: only the latest settings' result is presented, runs never
// overlap, a superseded run is told to stop, stale results show only when asked for, failures and
// teardown end in the right state. Runs wait on gates the test opens, so no timing decides the outcome.
import { describe, expect, it } from 'vitest';
import { LatestRunner, type RunState } from '../../src/ui/kit/latest';

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

/** A run per value that waits until the test opens its gate, or rejects when its signal fires (if honoured). */
function harness(options: { presentStale?: boolean; honourSignal?: boolean } = {}) {
  const presented: Array<[number, boolean]> = [];
  const states: RunState[] = [];
  const started: number[] = [];
  const gates = new Map<number, () => void>();
  let running = 0;
  let overlapped = false;
  const runner = new LatestRunner<number, number>({
    presentStale: options.presentStale,
    run: (value, context) => {
      started.push(value);
      running++;
      if (running > 1) overlapped = true;
      return new Promise<number>((resolve, reject) => {
        gates.set(value, () => resolve(value * 10));
        if (options.honourSignal) {
          context.signal.addEventListener('abort', () => {
            const error = new Error('stopped');
            error.name = 'AbortError';
            reject(error);
          });
        }
      }).finally(() => running--);
    },
    present: (result, _value, stale) => presented.push([result, stale]),
    onState: (state) => states.push(state),
  });
  /** Lets run `value` return, then lets the runner act on it (it may start the next run). */
  const open = async (value: number) => {
    await tick();
    gates.get(value)?.();
    await tick();
    await tick();
  };
  return { runner, presented, states, started, open, overlapped: () => overlapped };
}

describe('LatestRunner', () => {
  it('presents only the latest settings, after the superseded run stopped (no overlap)', async () => {
    const h = harness({ honourSignal: true });
    h.runner.request(1);
    await tick();
    expect(h.started).toEqual([1]);
    h.runner.request(2);
    h.runner.request(3); // 2 is replaced before it starts
    await tick();
    await h.open(3);
    expect(h.presented).toEqual([[30, false]]);
    expect(h.started).toEqual([1, 3]);
    expect(h.overlapped()).toBe(false);
    expect(h.runner.state).toBe('done');
    expect(h.states[0]).toBe('running');
    expect(h.states.at(-1)).toBe('done');
  });

  it('waits for a run that ignores its signal, then shows it as stale feedback only with presentStale', async () => {
    const h = harness({ presentStale: true });
    h.runner.request(1);
    await tick();
    h.runner.request(2);
    await tick();
    expect(h.started).toEqual([1]); // 2 waits for 1 to return
    await h.open(1);
    expect(h.presented).toEqual([[10, true]]);
    expect(h.runner.state).toBe('running');
    await h.open(2);
    expect(h.presented).toEqual([
      [10, true],
      [20, false],
    ]);
    expect(h.runner.state).toBe('done');
    expect(h.overlapped()).toBe(false);

    const quiet = harness();
    quiet.runner.request(1);
    await tick();
    quiet.runner.request(2);
    await quiet.open(1);
    await quiet.open(2);
    expect(quiet.presented).toEqual([[20, false]]);
  });

  it('a failing run ends in the error state with its error, and later requests still run', async () => {
    const errors: unknown[] = [];
    let fail = true;
    const presented: number[] = [];
    const runner = new LatestRunner<number, number>({
      run: async (value) => {
        if (fail) throw new Error(`cannot run ${value}`);
        return value;
      },
      present: (result) => presented.push(result),
      onState: (state, error) => {
        if (state === 'error') errors.push(error);
      },
    });
    runner.request(7);
    await tick();
    await runner.settled;
    expect(runner.state).toBe('error');
    expect(String(errors[0])).toContain('cannot run 7');
    fail = false;
    runner.request(8);
    await tick();
    await runner.settled;
    expect(runner.state).toBe('done');
    expect(presented).toEqual([8]);
  });

  it('an AbortError it did not ask for is a failure, not a quiet abort', async () => {
    const runner = new LatestRunner<number, number>({
      run: async () => {
        const error = new Error('the worker stopped');
        error.name = 'AbortError';
        throw error;
      },
      present: () => undefined,
    });
    runner.request(1);
    await tick();
    await runner.settled;
    expect(runner.state).toBe('error');
  });

  it('after destroy nothing is presented, the state is aborted, and settled resolves', async () => {
    const h = harness({ honourSignal: true });
    h.runner.request(1);
    await tick();
    h.runner.destroy();
    await h.runner.settled;
    h.runner.request(2); // ignored
    await h.open(1);
    expect(h.presented).toEqual([]);
    expect(h.runner.state).toBe('aborted');
    expect(h.started).toEqual([1]);
  });

  it('debounces: requests within the debounce start one run, with the last settings', async () => {
    const h = harness();
    h.runner.request(1, 50);
    h.runner.request(2, 50);
    h.runner.request(3, 50);
    await new Promise((resolve) => setTimeout(resolve, 80));
    await h.open(3);
    expect(h.started).toEqual([3]);
    expect(h.presented).toEqual([[30, false]]);
  });
});
