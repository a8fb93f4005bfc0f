/**
 * Pieces of the Prometheus text exposition format (version 0.0.4):
 * https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format
 */

/** Label set of one series. Values are strings; numbers are written as given. */
export type Labels = Record<string, string | number>;

/** The Content-Type Prometheus expects for this format. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
export const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** HELP text escapes backslash and newline only. */
export const escapeHelp = (s: string) => s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

/** Label values also escape the double quote. */
const escapeLabel = (s: string) => s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

/** Sample values: Go's float syntax, with the spellings Prometheus reads for the specials. */
export function formatValue(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  return String(n);
}

/** `{a="1",b="x"}` in a stable (sorted) order, or '' for no labels. */
export function formatLabels(labels: Labels): string {
  const keys = Object.keys(labels).sort();
  if (keys.length === 0) return '';
  return `{${keys.map((k) => `${k}="${escapeLabel(String(labels[k]))}"`).join(',')}}`;
}

/** A stable key for a label set, used to find its series. */
export const seriesKey = (labels: Labels) => formatLabels(labels);
