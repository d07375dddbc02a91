// The device-loss policy: restarts with a growing backoff, at most 3 within a minute, then gives up;
// losses older than the window no longer count.
import { expect, it } from 'vitest';
import { FIRST_BACKOFF_MS, LOSS_LIMIT, LossPolicy } from '../../src/ui/recovery';

it('restarts three times with a doubling backoff, then gives up', () => {
  const policy = new LossPolicy();
  const decisions = [0, 2000, 5000, 9000].map((t) => policy.onLoss(t));
  expect(decisions.slice(0, LOSS_LIMIT)).toEqual([
    { action: 'restart', attempt: 1, delayMs: FIRST_BACKOFF_MS },
    { action: 'restart', attempt: 2, delayMs: 2 * FIRST_BACKOFF_MS },
    { action: 'restart', attempt: 3, delayMs: 4 * FIRST_BACKOFF_MS },
  ]);
  expect(decisions[3]).toEqual({ action: 'give-up', losses: 4, windowMs: 60_000 });
  // Still giving up while the losses keep coming.
  expect(policy.onLoss(10_000).action).toBe('give-up');
});

it('forgets losses older than the window, and starts over after reset', () => {
  const policy = new LossPolicy(3, 60_000);
  for (const t of [0, 1000, 2000]) policy.onLoss(t);
  expect(policy.onLoss(61_500)).toEqual({ action: 'restart', attempt: 2, delayMs: 2 * FIRST_BACKOFF_MS });
  for (const t of [61_600, 61_700]) policy.onLoss(t);
  policy.reset();
  expect(policy.onLoss(61_800)).toEqual({ action: 'restart', attempt: 1, delayMs: FIRST_BACKOFF_MS });
});
