// The formulas of the Regularization explorer in TeX (typeset with KaTeX by the explorer) and in plain
// words. Convention (THEORY.md): penalties λΣ|w| and λΣw² with no ½, so the L2 decay factor is 1 − 2αλ.

import type { DescentRule } from '../core/descent';
import type { Penalty } from '../core/gridLoss';
import type { RegularizationModel } from '../core/regularizationModels';

export const MODEL_TEX: Record<RegularizationModel, string> = {
  linear: String.raw`J(w) = \frac{1}{N}\sum_{k=1}^{N}\bigl(y_k - w_1 x_{k1} - w_2 x_{k2}\bigr)^2`,
  logistic:
    String.raw`J(w) = \frac{1}{N}\sum_{k=1}^{N}\bigl[\log(1 + e^{s_k}) - y_k s_k\bigr],` +
    String.raw`\quad s_k = w_1 x_{k1} + w_2 x_{k2}`,
  'tanh-net': String.raw`J(w) = \frac{1}{N}\sum_{k=1}^{N}\bigl(y_k - w_2 \tanh(w_1 x_k)\bigr)^2`,
  himmelblau: 'J(w) = (w_1^2 + w_2 - 11)^2 + (w_1 + w_2^2 - 7)^2',
  rosenbrock: String.raw`J(w) = (1 - w_1)^2 + 100\,(w_2 - w_1^2)^2`,
  beale: 'J(w) = (1.5 - w_1 + w_1 w_2)^2 + (2.25 - w_1 + w_1 w_2^2)^2 + (2.625 - w_1 + w_1 w_2^3)^2',
  rastrigin: String.raw`J(w) = 20 + \sum_{k=1}^{2}\bigl(w_k^2 - 10\cos 2\pi w_k\bigr)`,
  quadratic: String.raw`J(w) = \tfrac12 h_1 (w_1 - a_1)^2 + \tfrac12 h_2 (w_2 - a_2)^2`,
};

export const PENALTY_TEX: Record<Penalty, string> = {
  none: String.raw`\min_{w}\; J(w)`,
  l1: String.raw`\min_{w}\; J(w) + \lambda\,\bigl(|w_1| + |w_2|\bigr)`,
  l2: String.raw`\min_{w}\; J(w) + \lambda\,\bigl(w_1^2 + w_2^2\bigr)`,
  elastic: String.raw`\min_{w}\; J(w) + \lambda\bigl[m\,(|w_1| + |w_2|) + (1 - m)(w_1^2 + w_2^2)\bigr]`,
};

export const RULE_TEX: Record<DescentRule, string> = {
  gd: String.raw`w \leftarrow w - \alpha\,\nabla J(w)`,
  'l1-subgradient': String.raw`w \leftarrow w - \alpha\,\nabla J(w) - \alpha\lambda\,\operatorname{sign}(w)`,
  'l1-proximal':
    String.raw`u = w - \alpha\,\nabla J(w),` +
    String.raw`\quad w \leftarrow \operatorname{sign}(u)\,\max\bigl(|u| - \alpha\lambda,\,0\bigr)`,
  'l2-decay': String.raw`w \leftarrow (1 - 2\alpha\lambda)\,w - \alpha\,\nabla J(w)`,
};

/** The separable quadratic's closed forms (THEORY.md), shown when that model is chosen. */
export const QUADRATIC_CLOSED_FORMS_TEX =
  String.raw`w^{*}_{\mathrm{L1},k} = \operatorname{sign}(a_k)\max\bigl(|a_k| - \lambda/h_k,\,0\bigr),` +
  String.raw`\qquad w^{*}_{\mathrm{L2},k} = \frac{h_k a_k}{h_k + 2\lambda}`;

/** Short plain-text names of the objectives, for titles and axis labels. */
export const PENALTY_LABEL: Record<Penalty, string> = {
  none: 'J (no penalty)',
  l1: 'J + λ·(|w1| + |w2|)',
  l2: 'J + λ·(w1² + w2²)',
  elastic: 'J + λ·[m·L1 + (1 − m)·L2]',
};

export const CONVENTION =
  'Convention: the penalties are λΣ|w| and λΣw², with no ½ in front. So the L2 step is weight decay by the ' +
  'factor (1 − 2αλ); libraries that write ½λΣw² (TensorFlow Playground, many others) decay by (1 − αλ).';
