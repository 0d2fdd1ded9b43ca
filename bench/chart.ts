import type { BenchResult } from './measure';

const WIDTH = 640;
const HEIGHT = 400;
const MARGIN = { left: 70, right: 20, top: 40, bottom: 50 };

/** Powers of ten from below `min` to above `max`: the ticks of a log axis. */
function decades(min: number, max: number): number[] {
  const ticks: number[] = [];
  for (let tick = 10 ** Math.floor(Math.log10(min)); tick <= 10 ** Math.ceil(Math.log10(max)); tick *= 10) ticks.push(tick);
  return ticks;
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * An SVG chart of the lists.join.g<N> entries: p50 and p99 of a join against the group size, both
 * axes logarithmic, with a dashed line of slope 2 (time ∝ N², linear in the entries of one list
 * version) through the smallest group's p50 to compare the growth with. Undefined without entries.
 */
export function listLatencyChart(results: readonly BenchResult[], subtitle: string): string | undefined {
  const points = results
    .map((result) => ({ size: Number(/^lists\.join\.g(\d+)$/.exec(result.name)?.[1]), p50: result.value, p99: result.p99 ?? result.value }))
    .filter((point) => Number.isFinite(point.size))
    .sort((a, b) => a.size - b.size);
  if (points.length === 0) return undefined;
  const xTicks = decades(points[0].size, points[points.length - 1].size);
  const yTicks = decades(Math.min(...points.map((point) => point.p50)), Math.max(...points.map((point) => point.p99)));
  const scale = (value: number, ticks: number[], from: number, to: number) => {
    const [low, high] = [Math.log10(ticks[0]), Math.log10(ticks[ticks.length - 1])];
    return from + ((Math.log10(value) - low) / (high - low || 1)) * (to - from);
  };
  const x = (size: number) => scale(size, xTicks, MARGIN.left, WIDTH - MARGIN.right);
  const y = (ms: number) => scale(ms, yTicks, HEIGHT - MARGIN.bottom, MARGIN.top);
  const line = (values: Array<[number, number]>, attributes: string) =>
    `<polyline fill="none" ${attributes} points="${values.map(([size, ms]) => `${x(size).toFixed(1)},${y(ms).toFixed(1)}`).join(' ')}"/>`;
  const quadratic = points.map((point): [number, number] => [point.size, points[0].p50 * (point.size / points[0].size) ** 2]);
  const label = (ms: number) => (ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<clipPath id="plot"><rect x="${MARGIN.left}" y="${MARGIN.top}" width="${WIDTH - MARGIN.left - MARGIN.right}" height="${HEIGHT - MARGIN.top - MARGIN.bottom}"/></clipPath>`,
    `<text x="${WIDTH / 2}" y="18" text-anchor="middle" font-size="14">Join → every list of the new version sent, by group size</text>`,
    `<text x="${WIDTH / 2}" y="33" text-anchor="middle" fill="#555">${escape(subtitle)}</text>`,
    ...xTicks.map((tick) => `<line x1="${x(tick)}" x2="${x(tick)}" y1="${MARGIN.top}" y2="${HEIGHT - MARGIN.bottom}" stroke="#ddd"/><text x="${x(tick)}" y="${HEIGHT - MARGIN.bottom + 16}" text-anchor="middle">${tick}</text>`),
    ...yTicks.map((tick) => `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y(tick)}" y2="${y(tick)}" stroke="#ddd"/><text x="${MARGIN.left - 6}" y="${y(tick) + 4}" text-anchor="end">${label(tick)}</text>`),
    `<text x="${WIDTH / 2}" y="${HEIGHT - 12}" text-anchor="middle">members in the group (log)</text>`,
    `<text transform="translate(16 ${HEIGHT / 2}) rotate(-90)" text-anchor="middle">latency (log)</text>`,
    line(quadratic, 'stroke="#999" stroke-dasharray="4 4" clip-path="url(#plot)"'),
    line(points.map((point) => [point.size, point.p99]), 'stroke="#d62728" stroke-width="2"'),
    line(points.map((point) => [point.size, point.p50]), 'stroke="#1f77b4" stroke-width="2"'),
    ...points.map((point) => `<circle cx="${x(point.size)}" cy="${y(point.p50)}" r="3" fill="#1f77b4"><title>g${point.size}: p50 ${point.p50} ms, p99 ${point.p99} ms</title></circle>`),
    `<text x="${MARGIN.left + 10}" y="${MARGIN.top + 14}" fill="#1f77b4">p50</text>`,
    `<text x="${MARGIN.left + 10}" y="${MARGIN.top + 28}" fill="#d62728">p99</text>`,
    `<text x="${MARGIN.left + 10}" y="${MARGIN.top + 42}" fill="#999">∝ N² (linear per list version)</text>`,
    '</svg>',
    '',
  ].join('\n');
}
