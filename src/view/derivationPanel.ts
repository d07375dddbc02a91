// The seven steps of the Xavier derivation (THEORY.md) typeset with KaTeX, each with the number
// measured in the current run beside it, and the one-line verdict. The formulas are rendered once;
// update() only rewrites the measured cells. Drawing only: the numbers come from ui/.

import katex from 'katex';

export interface StepReading {
  /** Plain text (may contain Unicode maths): what was measured against what. */
  text: string;
  /** true: the step holds in this run (within tolerance), false: it does not, null: no verdict. */
  holds: boolean | null;
  /** The two numbers the step compares, unrounded (for the table's CSV): what it predicts, what was measured. */
  predicted?: number | null;
  measured?: number | null;
}

export interface VerdictLine {
  kind: 'vanishing' | 'stable' | 'exploding';
  text: string;
  /** Zero / same-value weights: drawn amber, the colour of the symmetry problem. */
  symmetric?: boolean;
}

/** The seven steps: the formula (TeX) and why it holds. */
export const DERIVATION_STEPS: readonly { tex: string; why: string }[] = [
  { tex: String.raw`\mathrm{Var}(a^{[l]}) \approx \mathrm{Var}(z^{[l]})`, why: 'tanh(z) ≈ z near 0' },
  {
    tex: String.raw`\mathrm{Var}(z^{[l]}_k) = \sum_{j=1}^{n^{[l-1]}} \mathrm{Var}\big(w^{[l]}_{kj}\, a^{[l-1]}_j\big)`,
    why: 'terms independent (biases 0)',
  },
  {
    tex:
      String.raw`\mathrm{Var}(XY) = E[X]^2\mathrm{Var}(Y) + \mathrm{Var}(X)E[Y]^2 + \mathrm{Var}(X)\mathrm{Var}(Y)` +
      String.raw` = \mathrm{Var}(X)\mathrm{Var}(Y)`,
    why: 'when both are zero-mean',
  },
  {
    tex: String.raw`\Rightarrow\ \mathrm{Var}(a^{[l]}) = n^{[l-1]}\,\mathrm{Var}(W^{[l]})\,\mathrm{Var}(a^{[l-1]})`,
    why: 'steps 1–3 together',
  },
  { tex: String.raw`\Rightarrow\ \mathrm{Var}(W^{[l]}) = \frac{1}{n^{[l-1]}}`, why: 'keeps the variance constant' },
  {
    tex: String.raw`\mathrm{Var}(a^{[L]}) = \Big(\prod_{l=1}^{L} n^{[l-1]}\mathrm{Var}(W^{[l]})\Big)\,\mathrm{Var}(x)`,
    why: 'factor < 1 vanishes, = 1 holds, > 1 explodes',
  },
  {
    tex:
      String.raw`\text{backward: } \mathrm{Var}(W^{[l]}) = \frac{1}{n^{[l]}}, ` +
      String.raw`\quad \text{Glorot: } \frac{2}{n^{[l-1]} + n^{[l]}}`,
    why: 'the same argument on δ',
  },
];

export class DerivationPanel {
  private readonly cells: HTMLTableCellElement[] = [];
  private readonly verdict: HTMLElement;
  private readonly heading: HTMLElement;

  constructor(container: HTMLElement) {
    this.heading = document.createElement('p');
    this.heading.className = 'caption';
    const table = document.createElement('table');
    table.className = 'steps';
    DERIVATION_STEPS.forEach((step, index) => {
      const row = table.insertRow();
      row.dataset.step = String(index + 1);
      const number = row.insertCell();
      number.textContent = `${index + 1}.`;
      number.style.color = '#9aa6bf';
      const formula = row.insertCell();
      const maths = document.createElement('div');
      maths.style.overflowX = 'auto';
      katex.render(step.tex, maths, { throwOnError: false, displayMode: false });
      const why = document.createElement('div');
      why.textContent = step.why;
      why.style.cssText = 'color:#9aa6bf;font-size:0.78rem';
      formula.append(maths, why);
      const value = row.insertCell();
      value.className = 'value';
      value.style.whiteSpace = 'normal';
      value.style.maxWidth = '17rem';
      this.cells.push(value);
    });
    this.verdict = document.createElement('p');
    this.verdict.className = 'verdict';
    this.verdict.id = 'init-verdict';
    container.append(this.heading, table, this.verdict);
  }

  update(heading: string, readings: readonly StepReading[], verdict: VerdictLine): void {
    this.heading.textContent = heading;
    readings.forEach((reading, index) => {
      const cell = this.cells[index];
      if (!cell) return;
      cell.textContent = reading.text;
      cell.style.color = reading.holds === null ? '#4f9dde' : reading.holds ? '#4cc38a' : '#ef5d5d';
      cell.title = reading.holds === null ? '' : reading.holds ? 'holds in this run' : 'does not hold in this run';
    });
    this.verdict.className = `verdict ${verdict.kind}`;
    this.verdict.dataset.verdict = verdict.kind;
    this.verdict.style.color = verdict.symmetric ? '#f0b429' : '';
    this.verdict.textContent = verdict.text;
  }
}
