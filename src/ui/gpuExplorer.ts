// The GPU view (?view=gpu): the adapter and its limits, the self-check (the parity cases of the GPU tests,
// src/core/parity.ts run by src/gpu/selfcheck.ts, the CPU twin of the init engine in a worker) with
// pass/fail, max error and tolerance per case, and a short benchmark beside the CPU twin's rate on the
// same small shape: so a user sees in seconds that this GPU computes the same numbers, and how fast.
// Without WebGPU it says so and still times the CPU twin. Both runs go through the kit's LatestRunner
// one case or one measurement at a time (progress between them, Stop aborts at the next one).

import { type InitConfig, type KernelFamily, validateInitConfig } from '../core/initConfig';
import { fillWeights } from '../core/schemes';
import { InitStatsEngine, initStatsFlops } from '../gpu/initStats';
import { timePlainForward, timeWeightDraw } from '../gpu/plainForward';
import { SelfCheck, type SelfCheckCaseResult, type SelfCheckSize, selfCheckCases } from '../gpu/selfcheck';
import { backendKind, type Explorer, type ExplorerContext } from './explorer';
import { CpuInitEngine } from './initEngines';
import { element, formatNumber, formatSeconds, isAbortError } from './kit/dom';
import { explorerFrame } from './kit/frame';
import { LatestRunner } from './kit/latest';

/** The benchmark's shape for the CPU twin everywhere and for a software adapter (about a second each). */
const SMALL_SHAPE: Partial<InitConfig> = { inits: 8, batch: 16, width: 256, depth: 4 };
/** The GPU side's shape on a hardware adapter: enough work to fill it for a few milliseconds. */
const GPU_SHAPE: Partial<InitConfig> = { inits: 64, batch: 16, width: 1024, depth: 4 };
const SELFCHECK_SEED = 1;
const KERNEL_CHOICES = ['both', 'hardware', 'software'] as const;
type KernelChoice = (typeof KERNEL_CHOICES)[number];

const LIMITS = [
  'maxBufferSize',
  'maxStorageBufferBindingSize',
  'maxComputeWorkgroupsPerDimension',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupStorageSize',
  'maxStorageBuffersPerShaderStage',
] as const;

interface BenchResult {
  what: string;
  shape: string;
  unit: string;
  gpu?: number;
  cpu?: number;
}

type Job = { kind: 'selfcheck'; families: KernelFamily[]; sizes: SelfCheckSize[] } | { kind: 'bench' };

const shapeName = (c: InitConfig) => `K=${c.inits} B=${c.batch} n=${c.width} L=${c.depth}`;
const benchConfig = (shape: Partial<InitConfig>) =>
  validateInitConfig({ activation: 'tanh', scheme: 'xavier-normal', seed: 1, ...shape });

function table(header: readonly string[], id: string): { root: HTMLTableElement; body: HTMLTableSectionElement } {
  const root = element('table', { class: 'steps gpu-table', id });
  const head = element('thead');
  const row = element('tr');
  for (const title of header) row.append(element('th', {}, title));
  head.append(row);
  const body = element('tbody');
  root.append(head, body);
  return { root, body };
}

function tableRow(cells: readonly string[], attributes: Record<string, string> = {}): HTMLTableRowElement {
  const row = element('tr', attributes);
  for (const cell of cells) row.append(element('td', {}, cell));
  return row;
}

async function mount(container: HTMLElement, context: ExplorerContext): Promise<() => void> {
  const { backend } = context;
  const kind = backendKind(backend);
  const gpu = backend === 'cpu' ? undefined : backend;
  const requested = context.params.get('kernels');
  let kernels: KernelChoice = 'both';
  if (requested !== null) {
    if ((KERNEL_CHOICES as readonly string[]).includes(requested)) kernels = requested as KernelChoice;
    else context.notify(`kernels=${requested} is not one of ${KERNEL_CHOICES.join(', ')}; checking both`, 'warning');
  }

  /** Whether the self-check includes the hardware-size cases (the CLI's default; --quick leaves them out). */
  let hardwareSizes = kind === 'gpu';
  const frame = explorerFrame(container, context, {
    id: 'gpu',
    controlsTitle: 'Self-check and benchmark',
    table: [],
    intro:
      'Does this GPU compute the same numbers as the CPU reference, and how fast? The self-check runs the ' +
      "project's GPU-vs-CPU-twin test cases here; the benchmark times the kernels beside the CPU twin.",
    // Without WebGPU the frame adds --cpu: the CPU twin's rate on the benchmark's small shape.
    command: () =>
      kind === 'cpu'
        ? `npm run cli -- stats --depth=4 --width=256 --batch=16 --inits=8`
        : [
            'npm run cli -- selfcheck',
            kernels === 'both' ? '' : ` --kernels=${kernels}`,
            hardwareSizes ? '' : ' --quick',
          ].join(''),
  });

  // The adapter and its limits.
  const adapterJson = () =>
    gpu
      ? {
          adapter: gpu.adapter,
          limits: Object.fromEntries(LIMITS.map((name) => [name, gpu.device.limits[name]])),
          features: [...gpu.device.features].sort(),
        }
      : { adapter: null, reason: 'no WebGPU in this browser: the CPU twins run in a Web Worker' };
  const adapterPanel = frame.panel('Adapter', 'gpu-adapter', { name: 'gpu-adapter', json: adapterJson });
  if (gpu) {
    const { adapter } = gpu;
    const info = table(['property', 'value'], 'gpu-adapter-info');
    const rows: Array<[string, string]> = [
      ['vendor', adapter.vendor || '—'],
      ['architecture', adapter.architecture || '—'],
      ['device', adapter.device || '—'],
      ['description', adapter.description || '—'],
      ['kind', adapter.software ? 'software (CPU emulation: ~100× slower than a GPU)' : 'hardware GPU'],
      ['fallback adapter', adapter.isFallbackAdapter ? 'yes' : 'no'],
    ];
    for (const [name, value] of rows) info.body.append(tableRow([name, value]));
    const limits = table(['limit', 'value'], 'gpu-limits');
    for (const name of LIMITS) {
      const value = gpu.device.limits[name];
      const shown = value >= 1024 * 1024 ? `${value} (${formatNumber(value / 1024 / 1024)} MiB)` : String(value);
      limits.body.append(tableRow([name, shown], { 'data-limit': name }));
    }
    adapterPanel.body.append(info.root, limits.root);
    adapterPanel.root.dataset.software = String(adapter.software);
  } else {
    adapterPanel.body.append(
      element(
        'p',
        { class: 'caption software-note', id: 'gpu-none' },
        'No WebGPU here: there is no GPU to check. The benchmark still times the CPU twin (f64, in a Web Worker); ' +
          'the notice above says how to get WebGPU.',
      ),
    );
  }

  // The self-check's table.
  let checkResults: SelfCheckCaseResult[] = [];
  const checkPanel = frame.panel('Self-check: GPU against the CPU twin', 'gpu-selfcheck', {
    name: 'gpu-selfcheck',
    json: () => (checkResults.length ? { adapter: gpu?.adapter ?? null, kernels, cases: checkResults } : undefined),
  });
  const checkSummary = element('p', { class: 'caption', id: 'gpu-selfcheck-summary' }, gpu ? 'Not run yet.' : '—');
  const checkTable = table(['case', 'max error', 'tolerance', 'result'], 'gpu-selfcheck-cases');
  checkPanel.body.append(checkSummary, checkTable.root);

  // The benchmark's table.
  let benchResults: BenchResult[] = [];
  const benchPanel = frame.panel('Benchmark', 'gpu-bench', {
    name: 'gpu-bench',
    json: () => (benchResults.length ? { adapter: gpu?.adapter ?? null, rows: benchResults } : undefined),
  });
  const benchTable = table(['what', 'shape', 'GPU', 'CPU twin', 'unit'], 'gpu-bench-rows');
  benchPanel.body.append(
    element(
      'p',
      { class: 'caption' },
      'The CPU twin is the f64 reference in one Web Worker (one core); the GPU rates are wall time of whole ' +
        'submissions, the fastest of three.',
    ),
    benchTable.root,
  );
  frame.main.append(adapterPanel.root, checkPanel.root, benchPanel.root);

  // The knobs: kernel families, sizes, the three buttons.
  const familySelect = element('select', { id: 'gpu-kernels' });
  for (const choice of KERNEL_CHOICES) familySelect.append(element('option', { value: choice }, `${choice} kernels`));
  familySelect.value = kernels;
  const sizes = element('input', { type: 'checkbox', id: 'gpu-hardware-sizes' });
  sizes.checked = hardwareSizes;
  sizes.addEventListener('change', () => {
    hardwareSizes = sizes.checked;
    frame.refreshCommand();
  });
  const runCheck = element('button', { type: 'button', id: 'gpu-run-selfcheck' }, 'Run self-check');
  const runBench = element('button', { type: 'button', id: 'gpu-run-bench' }, 'Run benchmark');
  const stop = element('button', { type: 'button', id: 'gpu-stop', disabled: '' }, 'Stop');
  if (!gpu) {
    runCheck.setAttribute('disabled', '');
    familySelect.setAttribute('disabled', '');
    sizes.setAttribute('disabled', '');
  }
  const sizesLabel = element('label', { class: 'caption' });
  sizesLabel.append(sizes, ' hardware-size cases (width 1024, 10⁶ counters: seconds on a software adapter)');
  const familyLabel = element('label', { class: 'caption' }, 'init engine: ');
  familyLabel.append(familySelect);
  const buttons = element('div', { class: 'gpu-buttons' });
  buttons.append(runCheck, runBench, stop);
  frame.controls.body.append(familyLabel, element('br'), sizesLabel, buttons);
  familySelect.addEventListener('change', () => {
    kernels = familySelect.value as KernelChoice;
    const params = new URLSearchParams();
    if (kernels !== 'both') params.set('kernels', kernels);
    context.setParams(params);
    frame.refreshCommand();
  });

  // The engines, made on first use: the self-check's kernels, the benchmark's engine, the CPU twin's worker.
  const selfCheck = gpu
    ? new SelfCheck(gpu.device, async (config, signal) => (await cpuTwin().run(config, { signal })).accumulators)
    : undefined;
  let cpuEngine: CpuInitEngine | undefined;
  const cpuTwin = () => {
    cpuEngine ??= new CpuInitEngine();
    return cpuEngine;
  };
  let benchEngine: Promise<InitStatsEngine> | undefined;

  let stopper = new AbortController();
  let done = 0;
  let total = 0;
  const progress = (what: string) => frame.status.show(`${what} (${done} of ${total})…`);

  const showCase = (result: SelfCheckCaseResult) => {
    const cells = [
      result.name,
      formatNumber(result.maxError),
      formatNumber(result.tolerance),
      result.pass ? 'pass' : `FAIL: ${result.failures[0] ?? ''}`,
    ];
    const row = tableRow(cells, { 'data-pass': String(result.pass), title: `worst: ${result.worst}` });
    row.classList.add(result.pass ? 'pass' : 'fail');
    checkTable.body.append(row);
  };

  async function selfcheck(job: Extract<Job, { kind: 'selfcheck' }>, signal: AbortSignal): Promise<string> {
    if (!selfCheck) throw new Error('no WebGPU: nothing to check');
    const cases = selfCheckCases({ families: job.families, seed: SELFCHECK_SEED, sizes: job.sizes });
    const left = selfCheckCases({ families: job.families, seed: SELFCHECK_SEED }).length - cases.length;
    checkResults = [];
    checkTable.body.replaceChildren();
    checkPanel.root.removeAttribute('data-pass');
    done = 0;
    total = cases.length;
    const start = performance.now();
    for (const parityCase of cases) {
      progress(`self-check: ${parityCase.name}`);
      const result = await selfCheck.runCase(parityCase, signal);
      checkResults.push(result);
      done++;
      showCase(result);
    }
    const failed = checkResults.filter((result) => !result.pass).length;
    const pass = failed === 0;
    checkPanel.root.dataset.pass = String(pass);
    const families = job.families.join(' and ');
    const leftOut = left > 0 ? ` ${left} hardware-size case(s) left out (tick the box to include them).` : '';
    checkSummary.textContent =
      `${pass ? 'PASS' : 'FAIL'}: ${cases.length - failed} of ${cases.length} cases agree with the CPU twin ` +
      `(${families} kernels, seed ${SELFCHECK_SEED}).${leftOut}`;
    checkSummary.dataset.pass = String(pass);
    const took = formatSeconds((performance.now() - start) / 1000);
    return `Self-check ${pass ? 'passed' : 'FAILED'}: ${cases.length - failed} of ${cases.length} cases in ${took}.`;
  }

  async function bench(signal: AbortSignal): Promise<string> {
    benchResults = [];
    benchTable.body.replaceChildren();
    const small = benchConfig(SMALL_SHAPE);
    const onGpu = benchConfig(kind === 'gpu' ? GPU_SHAPE : SMALL_SHAPE);
    done = 0;
    total = gpu ? 5 : 2;
    const add = (result: BenchResult) => {
      benchResults.push(result);
      done++;
      const cell = (value: number | undefined) => (value === undefined ? '—' : formatNumber(value, 3));
      benchTable.body.append(tableRow([result.what, result.shape, cell(result.gpu), cell(result.cpu), result.unit]));
    };
    const start = performance.now();
    if (gpu) {
      benchEngine ??= InitStatsEngine.create(gpu.device, { compileDefaults: false });
      const engine = await benchEngine;
      progress('benchmark: the plain forward');
      const plain = await timePlainForward(gpu.device, engine, onGpu, 3);
      add({
        what: 'plain forward (matmul + tanh, W in memory)',
        shape: shapeName(onGpu),
        unit: 'GFLOP/s',
        gpu: plain.flops / plain.ms / 1e6,
      });
      signal.throwIfAborted();
      progress('benchmark: weights drawn');
      const draws = await timeWeightDraw(gpu.device, engine, onGpu, 3);
      add({
        what: 'weights drawn (initWeights)',
        shape: `n=${onGpu.width}`,
        unit: 'M weights/s',
        gpu: draws.weights / draws.ms / 1e3,
        cpu: cpuDrawRate(small),
      });
      signal.throwIfAborted();
      progress('benchmark: the init engine');
      await engine.run({ ...onGpu, inits: 1 }, { signal });
      let best = Infinity;
      for (let round = 0; round < 3; round++) best = Math.min(best, (await engine.run(onGpu, { signal })).timeMs);
      add({
        what: 'init engine (draws, forward, backward, statistics)',
        shape: shapeName(onGpu),
        unit: 'GFLOP/s',
        gpu: initStatsFlops(onGpu) / best / 1e6,
      });
      add({ what: 'init engine', shape: shapeName(onGpu), unit: 'inits/s', gpu: (1000 * onGpu.inits) / best });
    }
    signal.throwIfAborted();
    progress('benchmark: the CPU twin');
    const cpuRun = await cpuTwin().run(small, { signal });
    add({
      what: 'init engine, CPU twin (f64, one worker)',
      shape: shapeName(small),
      unit: 'GFLOP/s',
      cpu: initStatsFlops(small) / cpuRun.timeMs / 1e6,
    });
    if (!gpu)
      add({
        what: 'weights drawn, CPU twin (fillWeights)',
        shape: `n=${small.width}`,
        unit: 'M weights/s',
        cpu: cpuDrawRate(small),
      });
    return `Benchmark done in ${formatSeconds((performance.now() - start) / 1000)}.`;
  }

  const runner = new LatestRunner<Job, string>({
    run: (job, { signal }) => {
      const both = AbortSignal.any([signal, stopper.signal]);
      return job.kind === 'selfcheck' ? selfcheck(job, both) : bench(both);
    },
    present: (text) => frame.status.show(text),
    onState: (state, error) => {
      frame.status.state = state;
      const busy = state === 'running';
      for (const button of [runCheck, runBench])
        button.toggleAttribute('disabled', busy || (button === runCheck && !gpu));
      stop.toggleAttribute('disabled', !busy);
      if (state === 'error' && isAbortError(error) && stopper.signal.aborted) {
        frame.status.set('aborted', `Stopped after ${done} of ${total}.`);
      } else if (state === 'error') {
        frame.status.fail('The run failed', error);
      }
    },
  });
  frame.status.show(
    gpu ? 'Press "Run self-check" or "Run benchmark".' : 'No WebGPU: "Run benchmark" times the CPU twin.',
  );
  const families = (): KernelFamily[] => (kernels === 'both' ? ['software', 'hardware'] : [kernels]);
  runCheck.addEventListener('click', () => {
    stopper = new AbortController();
    runner.request({
      kind: 'selfcheck',
      families: families(),
      sizes: hardwareSizes ? ['small', 'hardware'] : ['small'],
    });
  });
  runBench.addEventListener('click', () => {
    stopper = new AbortController();
    runner.request({ kind: 'bench' });
  });
  stop.addEventListener('click', () => stopper.abort());

  return () => {
    runner.destroy();
    void runner.settled.then(() => {
      selfCheck?.destroy();
      cpuEngine?.destroy();
      void benchEngine?.then((engine) => engine.destroy());
    });
  };
}

/** The CPU twin's weight draws (fillWeights, the main thread: ~10 ms at n = 256), in millions per second. */
function cpuDrawRate(config: InitConfig): number {
  const n = config.width;
  const out = new Float64Array(n * n);
  const start = performance.now();
  let draws = 0;
  for (let k = 0; k < 4; k++, draws += n * n) fillWeights(config.seed, 'xavier-normal', 1, 1, k, n, n, out);
  return draws / (performance.now() - start) / 1e3;
}

export const gpuExplorer: Explorer = {
  id: 'gpu',
  title: 'GPU',
  summary:
    "Check that this machine's GPU computes the same numbers as the CPU reference (the project's own test cases), " +
    'see its limits, and time it against the CPU.',
  mount,
  reduce: (params) => params,
};
