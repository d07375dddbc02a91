// "Latest settings win", written once for every explorer. A knob moves → `request(settings)`: the
// run in flight is told to stop (its AbortSignal fires), the new settings wait out a short debounce
// (sliders fire continuously), then run as soon as the previous run has returned (engines run one
// thing at a time). Only the latest settings' result is presented; a stale one is dropped, unless the
// view asks to see it as feedback while a slider moves (`presentStale`). The state is one of
// RUN_STATES and is written to the status line's data-state for the tests and assistive tech.

import { errorMessage, isAbortError } from './dom';

export const RUN_STATES = ['idle', 'running', 'done', 'error', 'aborted'] as const;
export type RunState = (typeof RUN_STATES)[number];

export interface RunContext {
  /** Fires when newer settings arrive or the explorer goes away. */
  signal: AbortSignal;
  /** False once newer settings arrived: draw nothing more for this run. */
  isCurrent(): boolean;
}

export interface LatestRunnerOptions<Settings, Result> {
  /** Wait this long after the last request before starting (0: next task). */
  debounceMs?: number;
  run(settings: Settings, context: RunContext): Promise<Result>;
  /** Draws a result; `stale` only with presentStale (newer settings are already waiting). */
  present(result: Result, settings: Settings, stale: boolean): void;
  /** Present the result of a run that finished after newer settings arrived (it ignored the signal). */
  presentStale?: boolean;
  /** Every state change; `error` is set in the error state. */
  onState?(state: RunState, error?: unknown): void;
}

export class LatestRunner<Settings, Result> {
  private stateValue: RunState = 'idle';
  private timer: ReturnType<typeof setTimeout> | undefined;
  private controller: AbortController | undefined;
  private inFlight: Promise<void> = Promise.resolve();
  private requestNumber = 0;
  private destroyed = false;

  constructor(private readonly options: LatestRunnerOptions<Settings, Result>) {}

  get state(): RunState {
    return this.stateValue;
  }

  /** Settles when the run in flight (if any) has returned: free GPU buffers only after it. */
  get settled(): Promise<void> {
    return this.inFlight;
  }

  /** New settings: the stale run is aborted at once and the state is `running` from now on. */
  request(settings: Settings, debounceMs = this.options.debounceMs ?? 0): void {
    if (this.destroyed) return;
    const mine = ++this.requestNumber;
    clearTimeout(this.timer);
    this.controller?.abort();
    this.setState('running');
    this.timer = setTimeout(() => this.start(mine, settings), debounceMs);
  }

  /** Stops the run in flight or waiting (a visitor's abort): nothing is presented; later requests run as usual. */
  abort(): void {
    if (this.destroyed) return;
    this.requestNumber++;
    clearTimeout(this.timer);
    this.controller?.abort();
    this.setState('aborted');
  }

  /** Stops everything for good (teardown): the run in flight is aborted and nothing more is presented. */
  destroy(): void {
    if (this.destroyed) return;
    this.requestNumber++;
    clearTimeout(this.timer);
    this.controller?.abort();
    this.setState('aborted');
    this.destroyed = true;
  }

  private start(mine: number, settings: Settings): void {
    const previous = this.inFlight;
    const controller = new AbortController();
    this.controller = controller;
    const isCurrent = () => mine === this.requestNumber && !this.destroyed;
    // `previous` never rejects (everything below is caught), so one failure cannot stop later runs.
    this.inFlight = previous
      .then(async () => {
        if (!isCurrent()) return; // newer settings arrived while the previous run finished
        try {
          const result = await this.options.run(settings, { signal: controller.signal, isCurrent });
          if (isCurrent()) {
            this.options.present(result, settings, false);
            if (isCurrent()) this.setState('done'); // present() may have asked for newer settings
          } else if (this.options.presentStale && !this.destroyed) {
            this.options.present(result, settings, true);
          }
        } catch (error) {
          if (!isCurrent()) return; // a retired run's failure is not news
          // Aborted by us (newer settings, teardown) is quiet; an AbortError we did not ask for is a failure.
          if (controller.signal.aborted && isAbortError(error)) this.setState('aborted');
          else this.setState('error', error);
        }
      })
      .catch((error: unknown) => {
        // Only onState or present throwing from the error path lands here: keep the chain alive, say so.
        console.error('LatestRunner: a state handler failed', error);
      });
  }

  private setState(state: RunState, error?: unknown): void {
    if (this.destroyed) return;
    this.stateValue = state;
    this.options.onState?.(state, error);
  }
}

/** The status line of an explorer: its text, and data-state = the runner's state. */
export class StatusLine {
  readonly element: HTMLElement;

  constructor(id: string, initial = 'starting…') {
    this.element = document.createElement('div');
    this.element.className = 'status-line';
    this.element.id = id;
    this.element.dataset.state = 'idle';
    this.element.setAttribute('role', 'status');
    this.element.textContent = initial;
  }

  set state(state: RunState) {
    this.element.dataset.state = state;
    this.element.classList.toggle('error', state === 'error');
    this.element.classList.toggle('busy', state === 'running');
  }

  get state(): RunState {
    return this.element.dataset.state as RunState;
  }

  /** The line's text; errors in the error colour. */
  show(text: string): void {
    this.element.textContent = text;
  }

  /** Sets the state and the text at once. */
  set(state: RunState, text: string): void {
    this.state = state;
    this.show(text);
  }

  /** The error state with the message of what was thrown. */
  fail(prefix: string, error: unknown): void {
    this.set('error', `${prefix}: ${errorMessage(error)}`);
  }
}
