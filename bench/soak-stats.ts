/**
 * The soak's arithmetic: a least-squares slope with its 95 % confidence interval (these
 * machines are noisy, so the interval is the result, not one number), and a small SVG chart.
 */

/** Two-sided 95 % Student t quantiles by degrees of freedom (standard tables). */
const t95: [number, number][] = [
  [1, 12.706],
  [2, 4.303],
  [3, 3.182],
  [4, 2.776],
  [5, 2.571],
  [6, 2.447],
  [7, 2.365],
  [8, 2.306],
  [9, 2.262],
  [10, 2.228],
  [12, 2.179],
  [15, 2.131],
  [20, 2.086],
  [25, 2.06],
  [30, 2.042],
  [40, 2.021],
  [60, 2.0],
  [120, 1.98],
];

/** The t quantile for `df`, taking the next smaller tabled df (a wider, safe interval). */
export function tQuantile95(df: number): number {
  let value = Number.NaN;
  for (const [d, t] of t95) if (d <= df) value = t;
  return value;
}

export interface Slope {
  /** Units of y per unit of x. */
  slope: number;
  low: number;
  high: number;
  n: number;
}

/** Ordinary least squares of y on x with the slope's 95 % interval (needs ≥ 3 points). */
export function fitSlope(xs: number[], ys: number[]): Slope {
  const n = xs.length;
  if (n < 3) return { slope: Number.NaN, low: Number.NaN, high: Number.NaN, n };
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i += 1) {
    sxx += (xs[i]! - mx) ** 2;
    sxy += (xs[i]! - mx) * (ys[i]! - my);
  }
  const slope = sxy / sxx;
  let sse = 0;
  for (let i = 0; i < n; i += 1) sse += (ys[i]! - (my + slope * (xs[i]! - mx))) ** 2;
  const se = Math.sqrt(sse / (n - 2) / sxx);
  const half = tQuantile95(n - 2) * se;
  return { slope, low: slope - half, high: slope + half, n };
}

export interface Series {
  label: string;
  unit: string;
  values: number[];
}

/** Stacked line charts (one panel per series, own scale), plain SVG shapes and text. */
export function chartSvg(title: string, minutes: number[], series: Series[]): string {
  const width = 640;
  const panel = 120;
  const left = 60;
  const right = 20;
  const top = 30;
  const height = top + series.length * (panel + 30);
  const xMax = Math.max(1, ...minutes);
  const x = (m: number) => left + (m / xMax) * (width - left - right);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${left}" y="18" font-size="13">${escapeXml(title)}</text>`,
  ];
  series.forEach((s, index) => {
    const y0 = top + index * (panel + 30) + 14;
    const finite = s.values.filter(Number.isFinite);
    const lo = Math.min(...finite);
    const hi = Math.max(...finite);
    const span = hi - lo || 1;
    const y = (v: number) => y0 + panel - ((v - lo) / span) * panel;
    const points = s.values
      .map((v, i) => (Number.isFinite(v) ? `${x(minutes[i]!).toFixed(1)},${y(v).toFixed(1)}` : ''))
      .filter(Boolean)
      .join(' ');
    parts.push(
      `<text x="${left}" y="${y0 - 4}">${escapeXml(`${s.label} (${s.unit})`)}</text>`,
      `<rect x="${left}" y="${y0}" width="${width - left - right}" height="${panel}" fill="none" stroke="#ccc"/>`,
      `<text x="${left - 4}" y="${y0 + 10}" text-anchor="end">${hi.toFixed(1)}</text>`,
      `<text x="${left - 4}" y="${y0 + panel}" text-anchor="end">${lo.toFixed(1)}</text>`,
      `<polyline fill="none" stroke="#1f6feb" stroke-width="1.5" points="${points}"/>`,
    );
  });
  parts.push(`<text x="${width - right}" y="${height - 4}" text-anchor="end">minutes</text>`, '</svg>');
  return `${parts.join('\n')}\n`;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
