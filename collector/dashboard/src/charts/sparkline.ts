const SVG = 'http://www.w3.org/2000/svg';

/**
 * A trend as a tiny SVG line: a table of error groups gets one per row, where a canvas
 * chart each would cost far more to draw.
 *
 * @example sparkline([0, 3, 1, 8], { label: 'occurrences per day' })
 */
export function sparkline(values: readonly number[], o: { width?: number; height?: number; label: string }): SVGSVGElement {
  const width = o.width ?? 120;
  const height = o.height ?? 28;
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('width', String(width));
  svg.setAttribute('height', String(height));
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', o.label);
  svg.setAttribute('class', 'sparkline');
  const max = Math.max(1, ...values);
  const step = values.length > 1 ? width / (values.length - 1) : width;
  const points = values.map((v, i) => `${(i * step).toFixed(1)},${(height - 2 - (v / max) * (height - 4)).toFixed(1)}`).join(' ');
  const line = document.createElementNS(SVG, 'polyline');
  line.setAttribute('points', points);
  svg.appendChild(line);
  return svg;
}
