import type { LogLevel } from '@lifeline/protocol';

const BY_NUMBER: LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

const BY_TEXT: Record<string, LogLevel> = {
  trace: 'trace',
  debug: 'debug',
  info: 'info',
  information: 'info',
  notice: 'info',
  warn: 'warn',
  warning: 'warn',
  error: 'error',
  err: 'error',
  fatal: 'fatal',
  critical: 'fatal',
  crit: 'fatal',
  alert: 'fatal',
  emergency: 'fatal',
};

/**
 * A log level from OTLP's `severityNumber` (1–4 TRACE, 5–8 DEBUG, 9–12 INFO, 13–16 WARN,
 * 17–20 ERROR, 21–24 FATAL, per the logs data model, or its enum name), else from
 * `severityText`, else info.
 *
 * @example severityLevel(13, 'WARN') // 'warn'
 */
export function severityLevel(severityNumber: unknown, severityText: unknown): LogLevel {
  const n = typeof severityNumber === 'number' ? severityNumber : Number(severityNumber);
  if (Number.isInteger(n) && n >= 1 && n <= 24) return BY_NUMBER[Math.floor((n - 1) / 4)]!;
  // The protobuf JSON mapping also allows enum names: SEVERITY_NUMBER_WARN2.
  const named = typeof severityNumber === 'string' && /^SEVERITY_NUMBER_([A-Z]+)\d?$/.exec(severityNumber)?.[1];
  if (named && BY_TEXT[named.toLowerCase()]) return BY_TEXT[named.toLowerCase()]!;
  if (typeof severityText === 'string') {
    const t = BY_TEXT[severityText.trim().toLowerCase()];
    if (t) return t;
  }
  return 'info';
}
