// The mean-field formulas of the Signal propagation view (TeX for KaTeX) and the words that go with them
// (Poole et al. 2016; Schoenholz et al. 2017; the definitions are core/signalPropagation.ts's).

export const PHASE_FORMULAS: readonly { tex: string; why: string }[] = [
  {
    tex:
      String.raw`q^{l} = \sigma_w^2\,\mathbb{E}_{z}\!\left[\varphi\!\left(\sqrt{q^{l-1}}\,z\right)^2\right]` +
      String.raw` + \sigma_b^2 \;\to\; q^*`,
    why: 'Length map: the mean square pre-activation of a layer from the one below; it settles at q*.',
  },
  {
    tex:
      String.raw`c^{l} = \frac{\sigma_w^2\,\mathbb{E}\left[\varphi(u_1)\,\varphi(u_2)\right] + \sigma_b^2}{q^{l}},` +
      String.raw`\quad u_1 = \sqrt{q}\,z_1,\; u_2 = \sqrt{q}\left(c^{l-1} z_1 + \sqrt{1-(c^{l-1})^2}\,z_2\right)`,
    why: 'Correlation map (the C-map): how alike two inputs stay; c = 1 is always a fixed point.',
  },
  {
    tex:
      String.raw`\chi_1 = \sigma_w^2\,\mathbb{E}_{z}\!\left[\varphi'\!\left(\sqrt{q^*}\,z\right)^2\right]` +
      String.raw` = \frac{\mathbb{E}[\delta_{l-1}^2]}{\mathbb{E}[\delta_l^2]}`,
    why: 'The slope of the C-map at c = 1, and the factor by which the mean square gradient grows per layer.',
  },
  {
    tex:
      String.raw`\xi_c = -\frac{1}{\ln \chi_c},\qquad` +
      String.raw` \chi_c = \sigma_w^2\,\mathbb{E}\left[\varphi'(u_1)\,\varphi'(u_2)\right]_{q^*,\,c^*}`,
    why: 'Depth scale: c^l reaches c* like exp(−l/ξ_c); it diverges on the critical line, where deep nets train.',
  },
];

export const PHASE_EXPLANATION: readonly string[] = [
  'Every cell of the map is a weight variance σ_w² (W ~ N(0, σ_w²/n)) and a bias variance σ_b² (b ~ N(0, σ_b²)). ' +
    'K random networks per cell carry pairs of inputs of correlation c₀ forward and a random gradient back; the map ' +
    'colours what they measured (or the mean-field prediction).',
  'Ordered (blue, χ₁ < 1): gradients shrink by χ₁ every layer, and any two inputs are pulled together (c → 1): a ' +
    'deep net cannot tell them apart. Chaotic (red, χ₁ > 1): gradients grow by χ₁ every layer and nearby inputs ' +
    'decorrelate (c* < 1): tiny differences are amplified into noise. Critical (white, the black line χ₁ = 1): ' +
    'neither happens over many layers, and that is where deep networks can be trained.',
  'Xavier for tanh (σ_w² = 1, σ_b² = 0) sits on the critical line; for ReLU χ₁ = σ_w²/2, so its critical point is ' +
    'σ_w² = 2: He initialization.',
];
