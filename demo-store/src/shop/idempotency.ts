import { createHash } from 'node:crypto';
import type { Logger } from '../logging/logger';
import type { Collection } from './collection';
import type { DbWriter } from './db-write';

/** A completed request remembered under its idempotency key. */
export interface IdempotencyRecord {
  id: string;
  /** Hash of the operation and body: the same key with another body is a conflict. */
  fingerprint: string;
  status: number;
  body: unknown;
  expires_at: number;
}

export type IdempotencyOutcome =
  | { kind: 'run' }
  | { kind: 'replay'; status: number; body: unknown }
  | { kind: 'conflict'; status: 409 | 422; reason: string };

export interface IdempotencyStore {
  /** Decides what to do with a request carrying `key`; `run` reserves the key until `finish`/`release`. */
  begin(scope: string, key: string, body: string): IdempotencyOutcome;
  /**
   * Remembers the answer to the request `body` for 24 h; the writes are logged on `log`.
   * Never throws: when the database refuses the record, it is kept in memory instead, so a
   * repeat still gets this answer rather than running again (a second order).
   */
  finish(scope: string, key: string, answer: { body: string; status: number; response: unknown }, log: Logger): Promise<void>;
  /** Frees the key without remembering (the answer was a retryable 5xx). */
  release(scope: string, key: string): void;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isIdempotencyKey = (k: string | undefined): k is string => !!k && UUID.test(k);

const DAY = 24 * 60 * 60 * 1000;

export interface IdempotencyStoreOptions {
  /** @default Date.now */
  now?: () => number;
  /** Runs each write (faults, retry policy, log line). @default writes directly */
  write?: DbWriter;
}

const direct: DbWriter = (_log, _write, fn) => fn();

/**
 * Idempotency keys as payment APIs use them: the same key and body get the first answer
 * again; the same key with another body is refused with 422; a key whose first request is
 * still running is refused with 409. Answers are kept for 24 hours in a collection, so a
 * restart does not forget them. Retryable failures (5xx) are not remembered, so the shopper
 * can retry with the same key once the cause is gone.
 */
export function createIdempotencyStore(records: Collection<IdempotencyRecord>, o: IdempotencyStoreOptions = {}): IdempotencyStore {
  const now = o.now ?? Date.now;
  const write = o.write ?? direct;
  const running = new Map<string, string>();
  /** Records the database refused, answered from memory until it takes them. */
  const unsaved = new Map<string, IdempotencyRecord>();
  const id = (scope: string, key: string) => `${scope}:${key.toLowerCase()}`;
  const hash = (scope: string, body: string) => createHash('sha256').update(scope).update('\0').update(body).digest('hex');

  return {
    begin(scope, key, body) {
      const k = id(scope, key);
      const fingerprint = hash(scope, body);
      const done = records.get(k) ?? unsaved.get(k);
      if (done && done.expires_at > now()) {
        if (done.fingerprint !== fingerprint) {
          return { kind: 'conflict', status: 422, reason: 'this Idempotency-Key was used with a different request' };
        }
        return { kind: 'replay', status: done.status, body: done.body };
      }
      const inFlight = running.get(k);
      if (inFlight !== undefined) {
        return inFlight === fingerprint
          ? { kind: 'conflict', status: 409, reason: 'a request with this Idempotency-Key is still in progress' }
          : { kind: 'conflict', status: 422, reason: 'this Idempotency-Key was used with a different request' };
      }
      running.set(k, fingerprint);
      return { kind: 'run' };
    },
    async finish(scope, key, { body, status, response }, log) {
      const k = id(scope, key);
      const record = { id: k, fingerprint: hash(scope, body), status, body: response, expires_at: now() + DAY };
      unsaved.set(k, record);
      running.delete(k);
      try {
        for (const r of [...unsaved.values()]) {
          await write(log, { collection: 'idempotency', operation: 'put', policy: 'db.idempotency' }, () => records.put(r));
          unsaved.delete(r.id);
        }
        for (const r of records.all()) {
          if (r.expires_at <= now()) await write(log, { collection: 'idempotency', operation: 'delete', policy: 'db.idempotency' }, () => records.delete(r.id));
        }
      } catch (err) {
        log.error('idempotency record kept in memory only', { reason: err instanceof Error ? err.message : String(err), waiting: unsaved.size });
      }
    },
    release(scope, key) {
      running.delete(id(scope, key));
    },
  };
}
