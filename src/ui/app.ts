// The page shell: header with the backend in use, one tab per explorer, notices, and, when WebGPU is
// missing, the CPU backend (every view on the CPU twins in a worker, small sizes) with the friendly
// explanation of how to get WebGPU in a collapsible box above the view. Explorers plug in through ui/explorer.ts.
import { describeAdapter, type GpuContext, GpuUnavailableError, requestGpu } from '../gpu/device';
import { backendKind, type ComputeBackend, type Explorer, type ExplorerContext, type NoticeKind } from './explorer';
import { EXPLORERS } from './explorers';
import { element, errorMessage } from './kit/dom';
import { CPU_BACKEND_LABEL } from './kit/frame';
import { LOSS_LIMIT, type LossDecision, LossPolicy } from './recovery';

const VIEW_KEY = 'view';

export async function startApp(root: HTMLElement): Promise<void> {
  const header = element('header', { class: 'app-header' });
  const title = element('h1', { class: 'app-title' }, 'Init & Regularization Lab');
  title.append(element('small', {}, 'why initialization and L1/L2 work, on your GPU'));
  const tabs = element('nav', { class: 'tabs', role: 'tablist' });
  const adapterLine = element('div', { class: 'adapter-line', id: 'adapter-line' }, 'Looking for a WebGPU adapter…');
  header.append(title, tabs, adapterLine);
  const notices = element('ul', { class: 'notices', id: 'notices' });
  /** Where the explanation of how to get WebGPU goes when the page runs without it. */
  const backendNotice = element('div', { class: 'backend-notice', id: 'backend-notice' });
  const main = element('main');
  root.replaceChildren(header, notices, backendNotice, main);

  const notify = (message: string, kind: NoticeKind = 'warning'): void => {
    const item = element('li', { class: kind }, message);
    notices.append(item);
    if (kind !== 'error') setTimeout(() => item.remove(), 15_000);
  };

  let teardown: (() => void) | undefined;
  let current: Explorer | undefined;
  // Bumped by every show(): a mount that resolves after a newer show() (a quick tab switch while
  // pipelines compile) is torn down at once, and its explorer can no longer write the URL.
  let generation = 0;
  // Device loss: `recovery` counts the losses handled (a newer one retires an older one's restart),
  // `recovering` is pending while a lost device is being replaced (a tab opened meanwhile waits for it),
  // `gaveUp` shows the give-up panel instead of any view until the visitor tries again (a reload).
  let recovery = 0;
  let recovering: Promise<void> | undefined;
  let gaveUp: (() => void) | undefined;
  const losses = new LossPolicy();
  /** Without WebGPU (or without an adapter or device), every view runs on the CPU twins: the notice says why. */
  const cpuBackend = (error: unknown): ComputeBackend => {
    showCpuBackend(adapterLine);
    showGpuMissing(backendNotice, error);
    return 'cpu';
  };
  let backend: ComputeBackend;
  try {
    backend = await connect(adapterLine, notify, (info) => void onDeviceLost(info));
  } catch (error) {
    backend = cpuBackend(error);
  }

  const selectedId = (): string | undefined => new URLSearchParams(location.search).get(VIEW_KEY) ?? undefined;

  async function show(explorer: Explorer | undefined, params: URLSearchParams): Promise<void> {
    const mine = ++generation;
    teardown?.();
    teardown = undefined;
    current = explorer;
    for (const button of tabs.querySelectorAll('button')) {
      button.setAttribute('aria-selected', String(button.dataset.view === (explorer?.id ?? 'home')));
    }
    main.replaceChildren();
    if (gaveUp) {
      gaveUp();
      return;
    }
    if (!explorer) {
      showHome(main, (next) => void navigate(next));
      return;
    }
    if (recovering) {
      main.append(element('p', { class: 'caption', id: 'recovering' }, 'GPU device lost; restarting…'));
      await recovering;
      if (mine !== generation || gaveUp) return;
      main.replaceChildren();
    }
    const container = element('section', { class: 'explorer-root', 'data-explorer': explorer.id });
    main.append(container);
    const context: ExplorerContext = {
      backend,
      params,
      setParams: (next) => {
        if (mine !== generation) return;
        const search = new URLSearchParams(next);
        search.set(VIEW_KEY, explorer.id);
        history.replaceState(null, '', `${location.pathname}?${search}`);
      },
      notify,
    };
    try {
      const unmount = await explorer.mount(container, context);
      if (mine === generation) {
        teardown = unmount;
      } else {
        unmount();
        main.dataset.staleMounts = String(Number(main.dataset.staleMounts ?? 0) + 1); // for the tests
      }
    } catch (error) {
      if (mine !== generation) return;
      notify(
        `The ${explorer.title} explorer failed to start: ${error instanceof Error ? error.message : String(error)}`,
        'error',
      );
    }
  }

  async function navigate(explorer: Explorer | undefined): Promise<void> {
    const search = new URLSearchParams();
    if (explorer) search.set(VIEW_KEY, explorer.id);
    history.pushState(null, '', `${location.pathname}${explorer ? `?${search}` : ''}`);
    await show(explorer, new URLSearchParams());
  }

  /**
   * A lost device (a driver reset, a GPU watchdog, a destroy() from outside): the view stops at once,
   * then restarts on a new device with smaller sizes after a backoff, at most LOSS_LIMIT times a
   * minute; past that the page stops and says what happened (never a loop).
   */
  async function onDeviceLost(info: GPUDeviceLostInfo): Promise<void> {
    const mine = ++recovery;
    const lostIn = current;
    const decision = losses.onLoss(performance.now());
    const what = `${info.reason || 'unknown reason'}: ${info.message || 'no message'}`;
    generation++;
    teardown?.();
    teardown = undefined;
    main.dataset.deviceLosses = String(Number(main.dataset.deviceLosses ?? 0) + 1); // for the tests
    if (decision.action === 'give-up') {
      gaveUp = () => showGaveUp(main, lostIn, what, decision);
      gaveUp();
      return;
    }
    let replaced = () => {};
    recovering = new Promise<void>((resolve) => {
      replaced = resolve;
    });
    try {
      const seconds = decision.delayMs / 1000;
      const where = lostIn ? `the ${lostIn.title} view with smaller sizes` : 'the page';
      notify(
        `The GPU device was lost (${what}). Restarting ${where} in ${seconds} s ` +
          `(attempt ${decision.attempt} of ${LOSS_LIMIT} within a minute).`,
        'error',
      );
      main.replaceChildren(element('p', { class: 'caption', id: 'recovering' }, 'GPU device lost; restarting…'));
      await new Promise((resolve) => setTimeout(resolve, decision.delayMs));
      if (mine !== recovery) return; // a newer loss took over
      let reconnected: ComputeBackend;
      try {
        reconnected = await connect(adapterLine, notify, (next) => void onDeviceLost(next));
      } catch (error) {
        reconnected = cpuBackend(error); // no new device: the view goes on with the CPU twins
      }
      if (mine !== recovery) return;
      backend = reconnected;
    } finally {
      if (mine === recovery) recovering = undefined;
      replaced();
    }
    // The view in front now: the one that lost its device restarts smaller; one opened meanwhile as asked.
    const explorer = current;
    const params = new URLSearchParams(location.search);
    params.delete(VIEW_KEY);
    const restart = explorer && explorer === lostIn ? explorer.reduce(params, backendKind(backend)) : params;
    await show(explorer, restart);
  }

  const home = element('button', { role: 'tab', 'data-view': 'home' }, 'Overview');
  home.addEventListener('click', () => void navigate(undefined));
  tabs.append(home);
  for (const explorer of EXPLORERS) {
    const button = element('button', { role: 'tab', 'data-view': explorer.id }, explorer.title);
    button.addEventListener('click', () => void navigate(explorer));
    tabs.append(button);
  }
  window.addEventListener('popstate', () => {
    const params = new URLSearchParams(location.search);
    const explorer = EXPLORERS.find((candidate) => candidate.id === params.get(VIEW_KEY));
    params.delete(VIEW_KEY);
    void show(explorer, params);
  });

  const initial = EXPLORERS.find((candidate) => candidate.id === selectedId());
  if (selectedId() && !initial) {
    notify(
      `Unknown view "${selectedId()}" in the URL;` +
        ` allowed: ${EXPLORERS.map((e) => e.id).join(', ')}. Showing the overview.`,
    );
  }
  const params = new URLSearchParams(location.search);
  params.delete(VIEW_KEY);
  await show(initial, params);
}

async function connect(
  adapterLine: HTMLElement,
  notify: (message: string, kind?: NoticeKind) => void,
  onLost: (info: GPUDeviceLostInfo) => void,
): Promise<GpuContext> {
  adapterLine.textContent = 'Looking for a WebGPU adapter…';
  const gpu = await requestGpu(navigator.gpu, {
    label: 'visualizer device',
    onLost,
  });
  // A GPU error that no error scope caught (a bug, or a limit the planners missed) would otherwise
  // only reach the console while the page shows stale or empty results: say so on the page.
  const reported = new Set<string>(); // one notice per distinct error, not one per dispatch
  gpu.device.addEventListener('uncapturederror', (event) => {
    const { message } = (event as GPUUncapturedErrorEvent).error;
    if (reported.has(message)) return;
    reported.add(message);
    notify(`GPU error: ${message}. Results shown since may be wrong; please report it.`, 'error');
  });
  const { adapter } = gpu;
  adapterLine.textContent = `Adapter: ${describeAdapter(adapter)}`;
  adapterLine.dataset.vendor = adapter.vendor;
  adapterLine.dataset.architecture = adapter.architecture;
  adapterLine.dataset.software = String(adapter.software);
  adapterLine.dataset.backend = adapter.software ? 'software' : 'gpu';
  const badge = element(
    'span',
    { class: `badge ${adapter.software ? 'software' : 'hardware'}` },
    adapter.software ? 'software' : 'GPU',
  );
  adapterLine.append(badge);
  return gpu;
}

function showHome(main: HTMLElement, open: (explorer: Explorer) => void): void {
  const intro = element('section', { class: 'intro' });
  intro.innerHTML = `
    <h2>What makes an initialization good or bad, and why do L1 and L2 behave so differently?</h2>
    <p>Training a deep network starts from random weights. Too small and the signal fades layer by layer
    (vanishing gradients); too large and it blows up or saturates (exploding gradients); all equal and every
    unit of a layer stays a copy of its neighbours forever. Regularization then reshapes the loss landscape:
    λ‖w‖₁ pulls weights to exactly zero, λ‖w‖₂² only shrinks them.</p>
    <p>This lab runs the experiments live on your GPU: thousands of random initializations of very wide, deep
    networks at once, and dense loss landscapes in two weights, with the theory drawn on top of the measurement.</p>`;
  const cards = element('div', { class: 'cards' });
  for (const explorer of EXPLORERS) {
    const card = element('article', { class: 'card', 'data-view': explorer.id });
    card.append(element('h3', {}, explorer.title), element('p', {}, explorer.summary));
    card.addEventListener('click', () => open(explorer));
    cards.append(card);
  }
  intro.append(cards);
  main.append(intro);
}

/** A "Try again" button: a reload keeps the URL, so the view comes back with its settings. */
function tryAgainButton(): HTMLButtonElement {
  const button = element('button', { type: 'button', class: 'try-again', id: 'try-again' }, 'Try again');
  button.addEventListener('click', () => location.reload());
  return button;
}

/** The page after too many losses in a minute: what happened, with which settings, and a way back. */
function showGaveUp(
  main: HTMLElement,
  explorer: Explorer | undefined,
  what: string,
  decision: Extract<LossDecision, { action: 'give-up' }>,
): void {
  const box = element('section', { class: 'gpu-missing', id: 'device-lost' });
  const settings = new URLSearchParams(location.search).toString() || '(the overview)';
  box.append(
    element('h2', {}, 'The GPU device keeps being lost'),
    element(
      'p',
      {},
      `It was lost ${decision.losses} times within ${decision.windowMs / 1000} s (last: ${what}), so the lab stopped ` +
        'restarting it: a loop would make the browser block WebGPU for this page.',
    ),
    element('p', {}, `View: ${explorer?.title ?? 'overview'}. Settings when it happened:`),
    element('pre', { class: 'settings' }, settings),
    element(
      'p',
      {},
      'A common cause is one submission too big for the GPU: drivers reset a GPU busy for ~2 s (a watchdog). ' +
        'Try again with smaller sizes (fewer initializations K, a narrower width, a coarser grid), close other ' +
        'GPU-heavy tabs, or check chrome://gpu.',
    ),
    tryAgainButton(),
  );
  main.replaceChildren(box);
}

/** The header without WebGPU: the CPU backend's label and badge. */
function showCpuBackend(adapterLine: HTMLElement): void {
  adapterLine.textContent = CPU_BACKEND_LABEL;
  adapterLine.dataset.software = 'none';
  adapterLine.dataset.backend = 'cpu';
  adapterLine.append(element('span', { class: 'badge software' }, 'CPU'));
}

/**
 * Why there is no WebGPU and how to get it, as a collapsible box above the view (the views run on the CPU
 * meanwhile). The text is the page's own; the reason goes in as text.
 */
function showGpuMissing(host: HTMLElement, error: unknown): void {
  const reason = error instanceof GpuUnavailableError ? error.message : `Unexpected error: ${errorMessage(error)}`;
  const box = element('details', { class: 'gpu-missing gpu-notice', id: 'gpu-missing' });
  box.innerHTML = `
    <summary>No WebGPU here: every view runs on the CPU twins at small sizes. How to get WebGPU…</summary>
    <h2>This lab needs WebGPU for its full sizes</h2>
    <p class="reason"></p>
    <p>What you need:</p>
    <ul>
      <li>A browser with WebGPU: Chrome or Edge 113 or later (Windows, macOS, ChromeOS, Android), or a recent
      Firefox/Safari with WebGPU enabled.</li>
      <li>On Linux, Chrome still hides WebGPU behind flags. Start it with
      <pre>google-chrome --enable-unsafe-webgpu --enable-features=Vulkan</pre>
      or turn on <code>chrome://flags/#enable-unsafe-webgpu</code>. Without a GPU driver, add
      <code>--use-webgpu-adapter=swiftshader</code> to run on the CPU (slow but complete).</li>
      <li>Check <code>chrome://gpu</code>: “WebGPU: Hardware accelerated” means you are set.</li>
    </ul>
    <p>Meanwhile the CPU twins (the f64 reference code the GPU kernels are tested against) run in a Web
    Worker with small default sizes, and the 3D views draw through WebGL 2.</p>`;
  const reasonLine = box.querySelector('.reason');
  if (reasonLine) reasonLine.textContent = reason;
  // A browser without WebGPU will not grow it on a reload; a timeout or a refused device may pass.
  if (!(error instanceof GpuUnavailableError && error.failure === 'no-webgpu')) box.append(tryAgainButton());
  host.replaceChildren(box);
}
