// Symmetry per layer: the largest spread between the units of a layer, max |z_i − z_0| and
// |δ_i − δ_0| over inits and inputs, on a log axis. A spread of exactly 0 (every unit a copy of
// unit 0) is drawn as a green "=" marker on the floor, so the zero / same-value cases read at a
// glance. Canvas 2D, drawing only.

const HEIGHT = 120;
const LEFT = 46;
const BOTTOM = 20;
const TOP = 8;
const FLOOR_DECADE = -8;

export class SymmetryChart {
  /** The chart's canvas (bars, axis and labels are all drawn into it). */
  readonly canvas: HTMLCanvasElement;
  private readonly resizeObserver: ResizeObserver;
  private spreads: readonly number[] = [];

  constructor(private readonly container: HTMLElement) {
    this.canvas = document.createElement('canvas');
    this.canvas.style.cssText = `width:100%;height:${HEIGHT}px;display:block`;
    this.canvas.setAttribute('aria-label', 'largest spread between the units of each layer');
    container.append(this.canvas);
    this.resizeObserver = new ResizeObserver(() => this.draw());
    this.resizeObserver.observe(container);
  }

  update(spreads: readonly number[]): void {
    this.spreads = spreads;
    this.draw();
  }

  private draw(): void {
    const width = Math.max(200, this.container.clientWidth);
    const ratio = Math.min(2, window.devicePixelRatio || 1);
    this.canvas.width = width * ratio;
    this.canvas.height = HEIGHT * ratio;
    const context = this.canvas.getContext('2d');
    if (!context) return;
    context.scale(ratio, ratio);
    context.fillStyle = '#0b0f18';
    context.fillRect(0, 0, width, HEIGHT);
    const L = this.spreads.length;
    if (L === 0) return;
    const finite = this.spreads.filter((s) => s > 0 && Number.isFinite(s));
    const topDecade = Math.max(FLOOR_DECADE + 2, Math.ceil(Math.log10(Math.max(1e-6, ...finite))));
    const plotWidth = width - LEFT - 8;
    const plotHeight = HEIGHT - BOTTOM - TOP;
    const yOf = (spread: number): number => {
      const decade = Math.max(FLOOR_DECADE, Math.min(topDecade, Math.log10(spread)));
      return TOP + plotHeight * (1 - (decade - FLOOR_DECADE) / (topDecade - FLOOR_DECADE));
    };
    const slot = plotWidth / L;
    context.font = '10px system-ui, sans-serif';
    context.fillStyle = '#9aa6bf';
    context.strokeStyle = '#26314a';
    context.textAlign = 'right';
    context.textBaseline = 'middle';
    const decadeStep = Math.max(1, Math.ceil((topDecade - FLOOR_DECADE) / 4));
    for (let d = FLOOR_DECADE; d <= topDecade; d += decadeStep) {
      const y = yOf(10 ** d);
      context.beginPath();
      context.moveTo(LEFT, y + 0.5);
      context.lineTo(LEFT + plotWidth, y + 0.5);
      context.stroke();
      context.fillText(`1e${d}`, LEFT - 4, y);
    }
    this.spreads.forEach((spread, index) => {
      const x = LEFT + index * slot;
      const barWidth = Math.max(1, slot * 0.7);
      if (spread === 0) {
        context.fillStyle = '#4cc38a';
        context.fillRect(x + (slot - barWidth) / 2, TOP + plotHeight - 3, barWidth, 3);
        return;
      }
      const y = Number.isFinite(spread) ? yOf(spread) : TOP;
      context.fillStyle = Number.isFinite(spread) ? '#4f9dde' : '#ef5d5d';
      context.fillRect(x + (slot - barWidth) / 2, y, barWidth, TOP + plotHeight - y);
    });
    context.fillStyle = '#9aa6bf';
    context.textAlign = 'center';
    context.textBaseline = 'top';
    const labelStep = Math.max(1, Math.ceil(L / Math.max(1, plotWidth / 28)));
    for (let l = 1; l <= L; l++) {
      if (l !== 1 && l !== L && l % labelStep !== 0) continue;
      if (l !== L && L - l < labelStep && l !== 1) continue;
      context.fillText(String(l), LEFT + (l - 0.5) * slot, TOP + plotHeight + 4);
    }
    context.save();
    context.translate(10, TOP + plotHeight / 2);
    context.rotate(-Math.PI / 2);
    context.textBaseline = 'middle';
    context.fillText('spread', 0, 0);
    context.restore();
  }

  destroy(): void {
    this.resizeObserver.disconnect();
    this.canvas.remove();
  }
}
