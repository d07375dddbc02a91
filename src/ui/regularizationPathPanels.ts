// The Regularization explorer's panels of paths, each with its exports: the regularization path w*(λ)
// (PNG of the chart; CSV of λ, w1*, w2* for L1 and L2) and "What is minimized" (the formulas, typeset
// by KaTeX, and the descent path's notes; CSV of the path's steps).

import katex from 'katex';
import type { DescentPath } from '../core/descent';
import type { RegularizationPathPoint } from '../core/regPath';
import type { RegularizationConfig } from '../core/regularizationConfig';
import { REGULARIZATION_MODEL_INFO } from '../core/regularizationModels';
import { RegPathChart } from '../view/regPathChart';
import {
  CONVENTION,
  MODEL_TEX,
  PENALTY_TEX,
  QUADRATIC_CLOSED_FORMS_TEX,
  RULE_TEX,
} from '../view/regularizationFormulas';
import { element, formatNumber, type Panel } from './kit/dom';
import type { ExplorerFrame } from './kit/frame';
import type { ComputedOn, RegPathView } from './regularizationRuns';
import { type DescentNotes, descentCsv, regPathCaption, regPathCsv } from './regularizationShown';

/** w*(λ) for L1 and L2 over the log slider's range of λ, the current λ marked. */
export class RegPathPanel implements RegPathView {
  readonly panel: Panel;
  private readonly chart: RegPathChart;
  private readonly caption = element('p', { class: 'caption', id: 'reg-path-caption' }, 'Computing the path…');
  private points: RegularizationPathPoint[] = [];

  constructor(frame: ExplorerFrame) {
    this.panel = frame.panel('Regularization path w*(λ)', 'regularization-reg-path', {
      name: 'regularization-reg-path',
      png: () => (this.points.length ? this.chart.snapshot() : undefined),
      csv: () => (this.points.length ? regPathCsv(this.points) : undefined),
    });
    const host = element('div', { id: 'reg-path-chart' });
    this.panel.body.append(host, this.caption);
    this.chart = new RegPathChart(host);
  }

  computing(): void {
    this.caption.textContent = 'Computing the path (2 × 41 refinements, in a worker)…';
  }

  show(points: RegularizationPathPoint[], lambda: number): void {
    this.points = points;
    this.chart.update(points, lambda);
    this.caption.textContent = regPathCaption(points);
  }

  failed(message: string): void {
    this.caption.textContent = `The path failed: ${message}`;
  }

  /** Moves the current-λ line. */
  setLambda(lambda: number): void {
    this.chart.setLambda(lambda);
  }

  destroy(): void {
    this.chart.destroy();
  }
}

/** The objective, the model and the update rule in formulas, then what the descent path did. */
export class FormulaPanel {
  readonly panel: Panel;
  private readonly formulas = element('div', { class: 'formula', id: 'formula' });
  private readonly notes = element('ul', { class: 'descent-warnings', id: 'descent-warnings' });
  private path: DescentPath | undefined;

  constructor(frame: ExplorerFrame) {
    this.panel = frame.panel('What is minimized', 'regularization-formula', {
      name: 'regularization-descent-path',
      csv: () => this.path && descentCsv(this.path),
    });
    this.panel.body.append(this.formulas, element('p', { class: 'caption convention' }, CONVENTION), this.notes);
  }

  showFormulas(config: RegularizationConfig): void {
    const { model, penalty, rule, lambda, alpha, steps, mix, points } = config;
    const info = REGULARIZATION_MODEL_INFO[model];
    const blocks: Array<[string, string]> = [
      [`${info.label}${info.usesData ? `, N = ${points} points` : ''}:`, MODEL_TEX[model]],
      [
        `objective of the shown surface (${penalty}), λ = ${formatNumber(lambda, 3)}` +
          `${penalty === 'elastic' ? `, m = ${mix}` : ''}:`,
        PENALTY_TEX[penalty],
      ],
      [`descent path, rule ${rule}, α = ${formatNumber(alpha, 3)}, ${steps} steps:`, RULE_TEX[rule]],
    ];
    if (model === 'quadratic')
      blocks.push(['closed forms of the separable quadratic (THEORY.md):', QUADRATIC_CLOSED_FORMS_TEX]);
    this.formulas.replaceChildren();
    for (const [caption, tex] of blocks) {
      const line = element('div', { class: 'formula-line' });
      katex.render(tex, line, { throwOnError: false, displayMode: true });
      this.formulas.append(element('div', { class: 'formula-caption' }, caption), line);
    }
  }

  computing(steps: number, points: number): void {
    const text = `computing the descent path (${steps} steps over ${points} points, in a worker)…`;
    this.notes.replaceChildren(element('li', { class: 'info' }, text));
  }

  showPath(path: DescentPath, notes: DescentNotes, computedOn: ComputedOn): void {
    this.path = path;
    this.notes.replaceChildren(
      element('li', { class: 'info' }, notes.end),
      ...notes.warnings.map((text) => element('li', {}, text)),
    );
    Object.assign(this.notes.dataset, {
      count: String(notes.warnings.length),
      pathSteps: String(path.path.length - 1),
      pathComputedOn: computedOn,
    });
  }

  failed(message: string): void {
    this.notes.replaceChildren(element('li', {}, `the descent path failed: ${message}`));
  }
}
