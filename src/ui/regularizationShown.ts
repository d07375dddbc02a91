// What the Regularization explorer's panels show, decided from a result without touching the page:
// the display grid of the shown objective and of the three contour maps, the minimizer rows, the notes
// under a descent path, the status line, and the CSV of each table and series. Pure (tests:
// tests/unit/regularizationView.test.ts); the panels (src/ui/regularizationPanels.ts) draw them.

import { type DescentPath, type DescentRule, descentWarnings } from '../core/descent';
import type { GridWindow, Penalty } from '../core/gridLoss';
import type { RegularizationPathPoint } from '../core/regPath';
import type { RegularizationMinimum, RegularizationResult, RegularizationSurface } from '../gpu/regularization';
import type { ContourMapInput } from '../view/contourMaps';
import { L1_COLOR, L2_COLOR } from '../view/regPathChart';
import { PENALTY_LABEL } from '../view/regularizationFormulas';
import { displayGridSize, type HeightScale, heightScale, subsampleGrid } from '../view/surfaceGrid';
import { formatNumber } from './kit/dom';
import { toCsv } from './kit/exports';
import { rulePenalty } from './regularizationState';

export const J_COLOR = '#ffffff';
export const PATH_COLOR = '#ff4d6d';
export const MARKER_COLOR: Record<Penalty, string> = { none: J_COLOR, l1: L1_COLOR, l2: L2_COLOR, elastic: '#e056fd' };
export const MARKER_LABEL: Record<Penalty, string> = { none: 'J', l1: 'L1', l2: 'L2', elastic: 'elastic' };
export const MARKER_MEANING: Record<Penalty, string> = {
  none: 'minimizer of J',
  l1: 'minimizer of J + λ·L1',
  l2: 'minimizer of J + λ·L2',
  elastic: 'minimizer of J + λ·elastic',
};

export function surfaceOf(result: RegularizationResult, penalty: Penalty): RegularizationSurface {
  const surface = result.surfaces.find((candidate) => candidate.penalty === penalty);
  if (!surface) throw new Error(`the result has no ${penalty} surface`);
  return surface;
}

/** The minimum of an objective: J's, or that of J + λ·P. */
export function minimumOf(result: RegularizationResult, penalty: Penalty): RegularizationMinimum {
  return penalty === 'none' ? result.minima.J : surfaceOf(result, penalty).minimum;
}

/** The refined minimizer, else the grid one (a stale result is drawn before it is refined). */
export function bestW(minimum: RegularizationMinimum): [number, number] | undefined {
  return minimum.refined?.w ?? minimum.grid?.w;
}

/** The objectives shown next to each other: J, L1, L2, and the elastic net when it is the chosen penalty. */
export function shownPenalties(result: RegularizationResult): Penalty[] {
  return result.config.penalty === 'elastic' ? ['none', 'l1', 'l2', 'elastic'] : ['none', 'l1', 'l2'];
}

export interface ShownGrid {
  penalty: Penalty;
  /** The D×D display grid (index j·D + i) of the G×G computed one: the same cells when G ≤ 256. */
  values: Float32Array;
  D: number;
  G: number;
  window: GridWindow;
  scale: HeightScale;
}

/** The display grid of one objective of a result, with its height scale (linear or log). */
export function shownGrid(result: RegularizationResult, penalty: Penalty, log: boolean): ShownGrid {
  const { G, window } = result;
  const D = displayGridSize(G);
  const source = penalty === 'none' ? result.dataLoss : surfaceOf(result, penalty).values;
  const values = subsampleGrid(source, G, D);
  return { penalty, values, D, G, window, scale: heightScale(values, { log }) };
}

/** The objectives of the three contour maps, left to right. */
export const MAP_PENALTIES: readonly Penalty[] = ['none', 'l1', 'l2'];

/** The three contour maps J, J + λ·L1, J + λ·L2: each objective's minimizer, and J's as a ring for comparison. */
export function mapInputs(result: RegularizationResult, log: boolean): ContourMapInput[] {
  const lambda = formatNumber(result.config.lambda, 3);
  const titles = ['J', `J + λ·(|w1| + |w2|), λ = ${lambda}`, `J + λ·(w1² + w2²), λ = ${lambda}`];
  const wJ = bestW(result.minima.J);
  return MAP_PENALTIES.map((penalty, index) => {
    const title = titles[index];
    const { values, D, window, scale } = shownGrid(result, penalty, log);
    const w = bestW(minimumOf(result, penalty));
    const markers = [];
    if (penalty !== 'none' && wJ) markers.push({ w: wJ, color: J_COLOR, hollow: true });
    if (w) markers.push({ w, color: MARKER_COLOR[penalty] });
    return { title, values, D, window, scale, markers };
  });
}

/** Which of the three maps (J, L1, L2) shows the objective a descent rule minimizes. */
export function mapOfRule(rule: DescentRule): number {
  return MAP_PENALTIES.indexOf(rulePenalty(rule));
}

export interface MinimizerRow {
  id: string;
  penalty: Penalty;
  name: string;
  lambda: number;
  minimum: RegularizationMinimum;
}

const ROW_NAMES: Record<Penalty, string> = {
  none: 'J (no penalty)',
  l1: 'J + λ·L1',
  l2: 'J + λ·L2',
  elastic: 'J + λ·elastic',
};

export function minimizerRows(result: RegularizationResult): MinimizerRow[] {
  return shownPenalties(result).map((penalty) => ({
    id: `${penalty === 'none' ? 'j' : penalty}-minimizer`,
    penalty,
    name: ROW_NAMES[penalty],
    lambda: penalty === 'none' ? 0 : result.config.lambda,
    minimum: minimumOf(result, penalty),
  }));
}

/** "w1 = 0, w2 = 0", "w2 = 0" or "—". */
export function exactZeros(w: readonly [number, number]): string {
  return [w[0] === 0 ? 'w1 = 0' : '', w[1] === 0 ? 'w2 = 0' : ''].filter(Boolean).join(', ') || '—';
}

/** The refined minimum (else the grid one): w and the objective's value there. */
export function bestMinimum(minimum: RegularizationMinimum): { w: [number, number]; value: number } | undefined {
  return minimum.refined ?? minimum.grid ?? undefined;
}

const MINIMIZER_COLUMNS = ['objective', 'penalty', 'lambda', 'w1', 'w2', 'value', 'exact_zeros', 'refined'];

/**
 * The minimizers table as shown (refined minimizer and value, else the grid one; empty fields when no
 * cell is finite), then the GPU grid minimum the refinement started from.
 */
export function minimizersCsv(rows: readonly MinimizerRow[]): string {
  const header = [...MINIMIZER_COLUMNS, 'converged', 'grid_w1', 'grid_w2', 'grid_value'];
  const lines = rows.map(({ name, penalty, lambda, minimum }) => {
    const best = bestMinimum(minimum);
    const { grid, refined } = minimum;
    const shown = [name, penalty, lambda, best?.w[0], best?.w[1], best?.value, best ? exactZeros(best.w) : ''];
    return [...shown, refined !== null, refined?.converged, grid?.w[0], grid?.w[1], grid?.value];
  });
  return toCsv(header, lines);
}

export interface DescentNotes {
  /** "path end after 200 steps: w = (1.049, 0)". */
  end: string;
  /** What a person should know: divergence, leaving the window, a rule that follows another objective. */
  warnings: string[];
}

export function descentNotes(
  path: DescentPath,
  job: { rule: DescentRule; lambda: number; alpha: number },
  window: GridWindow,
  shownPenalty: Penalty,
): DescentNotes {
  const warnings = descentWarnings(job.rule, job.lambda, job.alpha);
  const { w1Min, w1Max, w2Min, w2Max } = window;
  const left = path.path.some(([w1, w2]) => w1 < w1Min || w1 > w1Max || w2 < w2Min || w2 > w2Max);
  const steps = path.path.length - 1;
  if (path.diverged) warnings.push(`the path diverged after ${steps} steps (|w| > 1e6 or not finite): lower α`);
  else if (left) warnings.push('the path leaves the window (drawn pinned to its border): widen the window or lower α');
  const followed = rulePenalty(job.rule);
  if (followed !== shownPenalty) {
    warnings.push(
      `the path follows ${PENALTY_LABEL[followed]} (rule ${job.rule}) while the surface shows ` +
        PENALTY_LABEL[shownPenalty],
    );
  }
  const [w1, w2] = path.path[steps];
  return { end: `path end after ${steps} steps: w = (${formatNumber(w1, 4)}, ${formatNumber(w2, 4)})`, warnings };
}

/** The descent path, one row per point: step 0 is the start. */
export function descentCsv(path: DescentPath): string {
  return toCsv(
    ['step', 'w1', 'w2'],
    path.path.map(([w1, w2], step) => [step, w1, w2]),
  );
}

/** The regularization path: both coordinates of the L1 and L2 minimizers at each λ. */
export function regPathCsv(points: readonly RegularizationPathPoint[]): string {
  return toCsv(
    ['lambda', 'l1_w1', 'l1_w2', 'l2_w1', 'l2_w2'],
    points.map((point) => [point.lambda, ...point.l1, ...point.l2]),
  );
}

export function regPathCaption(points: readonly RegularizationPathPoint[]): string {
  const l1Zero = points.find((point) => point.l1[0] === 0 || point.l1[1] === 0);
  return (
    'Solid: w1*, dashed: w2*; orange L1, blue L2 (each minimizer warm-started from the previous λ). ' +
    (l1Zero
      ? `L1 sets a coordinate exactly to 0 from λ ≈ ${formatNumber(l1Zero.lambda, 2)} on; L2 only shrinks.`
      : 'In this λ range no L1 coordinate reaches 0.')
  );
}

/** "G = 128: penalties only (J cached) in 17.6 ms", with the cells that overflowed. */
export function statusText(result: RegularizationResult): string {
  const { G } = result;
  const D = displayGridSize(G);
  const work = result.data.n > 0 ? `G²·N = ${formatNumber(G * G * result.data.n, 3)} terms` : `G² = ${G * G} cells`;
  const what = result.dispatchedGridLoss ? `gridLoss (${work}) + penalties` : 'penalties only (J cached)';
  const nonFinite = result.nonFinite.dataLoss > 0 ? `, ${result.nonFinite.dataLoss} cells overflowed` : '';
  return `G = ${G}${D < G ? ` (drawn at ${D})` : ''}: ${what} in ${formatNumber(result.timeMs, 3)} ms${nonFinite}`;
}
