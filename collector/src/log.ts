/** Fields attached to a log line. Never put tokens, secrets or request bodies here. */
export type LogFields = Record<string, string | number | boolean | undefined>;

export interface Logger {
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

/**
 * A logger writing one JSON object per line to stderr, so stdout stays free for the
 * one `collector listening on …` line that other processes wait for.
 *
 * @example createLogger().warn('insert failed', { rows: 120, reason: 'timeout' })
 */
export function createLogger(write: (line: string) => void = (l) => process.stderr.write(l + '\n')): Logger {
  const line = (level: string) => (msg: string, fields?: LogFields) =>
    write(JSON.stringify({ t: new Date().toISOString(), level, msg, ...fields }));
  return { info: line('info'), warn: line('warn'), error: line('error') };
}

/** A logger that drops everything (tests). */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

/** The message of anything thrown, for logs and error reasons. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
