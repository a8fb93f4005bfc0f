import { randomUUID } from 'node:crypto';
import type { BackendLog, LogLevel } from '@lifeline/protocol';

type Attrs = Record<string, string | number | boolean | null>;

/** The IDs that join a backend log line to the browser's events on a timeline. */
export interface LogContext {
  request_id?: string;
  trace_id?: string;
  user_id?: string;
  order_id?: string;
  session_id?: string;
}

export interface Logger {
  debug(message: string, attrs?: Attrs): void;
  info(message: string, attrs?: Attrs): void;
  warn(message: string, attrs?: Attrs): void;
  error(message: string, attrs?: Attrs): void;
  /** A logger that adds these IDs to every record (a request's logger, an order's…). */
  with(context: LogContext): Logger;
}

export interface LoggerOptions {
  service: string;
  release?: string;
  /** Receives every record; the shipper sends them to the collector. */
  sink: (record: BackendLog) => void;
  /** Also print records at or above this level to stderr. @default 'warn' */
  echo?: LogLevel | 'none';
}

const RANK: Record<LogLevel, number> = { trace: 0, debug: 1, info: 2, warn: 3, error: 4, fatal: 5 };

/**
 * Millisecond timestamps that never repeat within this process: records written in the same
 * millisecond (a failover logs four lines in one) would otherwise tie, and a timeline could
 * not tell their order. Drift stays tiny: the store writes far fewer than 1000 lines a second.
 */
let lastStamp = 0;
const stamp = () => (lastStamp = Math.max(Date.now(), lastStamp + 1));

/** A structured logger whose records carry the request ID the SDK put on the call. */
export function createLogger(o: LoggerOptions, context: LogContext = {}): Logger {
  const echo = o.echo ?? 'warn';
  const write = (level: LogLevel, message: string, attrs?: Attrs) => {
    const record: BackendLog = {
      event_id: randomUUID(),
      timestamp: stamp(),
      level,
      message,
      service: o.service,
      ...(o.release ? { release: o.release } : {}),
      ...definedOnly(context),
      ...(attrs ? { attributes: attrs } : {}),
    };
    o.sink(record);
    if (echo !== 'none' && RANK[level] >= RANK[echo]) {
      process.stderr.write(`${level} ${context.request_id ?? '-'} ${message}\n`);
    }
  };
  return {
    debug: (m, a) => write('debug', m, a),
    info: (m, a) => write('info', m, a),
    warn: (m, a) => write('warn', m, a),
    error: (m, a) => write('error', m, a),
    with: (more) => createLogger(o, { ...context, ...definedOnly(more) }),
  };
}

function definedOnly(ctx: LogContext): LogContext {
  return Object.fromEntries(Object.entries(ctx).filter(([, v]) => v !== undefined && v !== '')) as LogContext;
}
