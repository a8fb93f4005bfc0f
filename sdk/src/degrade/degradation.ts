import type { StatusResponse } from '@lifeline/protocol';
import type { FeatureState as WireState } from '@lifeline/protocol/limits';
import type { Integration } from '../core/types.js';
import { originalFetch } from '../lib/originalFetch.js';
import { parseJson } from '../lib/parseJson.js';
import { safely } from '../lib/safely.js';
import { storageGet, storageSet } from '../lib/storage.js';
import { createBreaker, type Breaker } from './createBreaker.js';
import { createNotice } from './createNotice.js';
import { followStatus } from './followStatus.js';
import { isHeld } from './held.js';
import { isNewer } from './isNewer.js';
import { markFeature } from './markFeature.js';
import { positive } from './positive.js';
import { readOption } from '../lib/readOption.js';
import { resolveFeature } from './resolveFeature.js';
import type { DegradeOptions, FeatureState, FeatureStatus } from './types.js';

/** Fails to compile if the public FeatureState and the protocol's drift apart. */
type Assert<T extends true> = T;
type StatesMatch = Assert<[WireState] extends [FeatureState] ? ([FeatureState] extends [WireState] ? true : false) : false>;

/** A feature's fetch in flight: when it started (`performance.now()`), and its timeout, 0 once that fired. */
interface Pending {
  t: number;
  timer?: ReturnType<typeof setTimeout> | 0;
}

/** The protocol's feature names. Anything else would be refused by the edge, and names go into selectors. */
const NAME = /^[a-z][a-z0-9_-]{0,63}$/;

export interface Degradation extends Integration {
  /** The feature's current state; `{ state: 'ok' }` for a feature nothing is known about. */
  feature(name: string): FeatureStatus;
}

/**
 * Graceful degradation: applies the flags ops set at the edge and the page's own circuit
 * breakers to the markup (see markFeature), shows a notice, and reports each change.
 *
 * The last flags are kept in localStorage and applied during setup, so a page loaded
 * while checkout is down never shows a working checkout first; `followStatus` then keeps
 * them fresh. Each change of a feature's state, reason or message dispatches
 * `lifeline:feature` on window and records a `degrade` event.
 *
 * @example createClient({ options, send, integrations: [degradation({ features: { checkout: ['/api/orders'] } })] })
 */
export function degradation(options: DegradeOptions = {}): Degradation {
  // Taken before any capture module wraps fetch, so flag polls never meet a breaker.
  const get = originalFetch();
  const current = new Map<string, FeatureStatus>();
  return {
    name: 'degrade',
    feature: (name) => ({ state: 'ok', ...current.get(name) }),
    setup(client) {
      const { key, endpoint } = client.options;
      const stored = `lifeline:flags:${key}`;
      const features = readOption<Record<string, unknown>>(options.features);
      const breakerOptions = readOption(options.breaker);
      const notice = createNotice(readOption(options.texts));
      const timeoutMs = positive(breakerOptions?.timeoutMs, 1e4);
      /** Each feature's breaker, the absolute URL prefixes of its routes, and its fetches in flight. */
      const breakers = new Map<string, [Breaker, string[], Pending[]]>();
      for (const name in features) {
        const routes = ([] as string[]).concat(features[name] as string);
        if (NAME.test(name)) breakers.set(name, [createBreaker(breakerOptions), routes.flatMap((r) => safely(() => [new URL(r, location.href).href], [])), []]);
      }
      let status = parseJson<StatusResponse>(storageGet(stored));
      if (!status?.flags) status = undefined;
      let timer: ReturnType<typeof setTimeout> | undefined;

      // Connected only while some feature is not ok, so a healthy store pays nothing.
      const observer = new MutationObserver(() => render());
      const render = () =>
        safely(() => {
          const bad: FeatureStatus[] = [];
          // Recovered features first: a control inside two features stays held while either is not ok.
          for (const pass of [false, true])
            current.forEach((s, name) => {
              if ((s.state != 'ok') == pass) {
                markFeature(name, s.state);
                if (pass) bad.push(s);
              }
            });
          notice(bad);
          if (bad.length) observer.observe(document.documentElement, { childList: true, subtree: true });
          else observer.disconnect();
        });

      const update = (requestId?: string) => {
        const now = Date.now();
        const flags = status?.flags ?? {};
        const changed: (FeatureStatus & { feature: string })[] = [];
        let next = Infinity;
        for (const name of new Set([...Object.keys(flags), ...breakers.keys(), ...current.keys()])) {
          if (!NAME.test(name)) continue;
          const flag = flags[name];
          if (flag?.until! > now) next = Math.min(next, flag!.until!);
          const was = current.get(name) ?? { state: 'ok' };
          const s = resolveFeature(flag, !!breakers.get(name)?.[0].open, now, was);
          // State, message and reason, in resolveFeature's key order; JSON leaves out what is undefined.
          if (JSON.stringify(s) != JSON.stringify(was)) {
            current.set(name, s);
            changed.push({ feature: name, ...s });
          }
        }
        // Expiry happens here, even offline; setTimeout cannot wait longer than about 24.8 days.
        clearTimeout(timer);
        if (next < Infinity) timer = setTimeout(update, Math.min(next - now, 2e9));
        render();
        for (const detail of changed) {
          // A listener that throws is reported by the browser; dispatchEvent itself does not throw.
          dispatchEvent(new CustomEvent('lifeline:feature', { detail }));
          // A change always has a reason: only the initial ok has none.
          client.capture({ kind: 'degrade', ...(detail as Required<typeof detail>), request_id: requestId });
        }
      };

      /** The entries (breaker, prefixes, calls) of the features whose routes `url` (absolute, as hooks get it) falls under. */
      const hits = (url: string) => [...breakers.values()].filter(([, prefixes]) => prefixes.some((p) => url.startsWith(p)));

      update();
      if (document.readyState == 'loading') document.addEventListener('DOMContentLoaded', render);
      // Links cannot be disabled: a click on a held one is stopped before the page's own
      // handlers (a capture listener on window runs first). Forms need no such guard: with
      // every control disabled they cannot be submitted.
      addEventListener(
        'click',
        (e) => {
          if (isHeld((e.target as Element).closest?.('a'))) {
            e.preventDefault();
            e.stopImmediatePropagation();
          }
        },
        true,
      );
      // The network capture catches what a hook throws.
      client.onRequest({
        before(req) {
          const hit = hits(req.url);
          if (hit.some(([b]) => !b.allow())) return new Response(null, { status: 503, headers: { 'X-Lifeline-Breaker': 'open' } });
          // A call still unanswered after `timeoutMs` counts as failed there and then; the
          // call itself goes on (it is the page's), and its end is not counted again.
          for (const [b, , calls] of hit) {
            const call: Pending = { t: req.start };
            call.timer = setTimeout(() => {
              call.timer = 0;
              if (b.record(true)) update();
            }, timeoutMs);
            calls.push(call);
          }
        },
        after(outcome) {
          // The call is the one of this feature that started at the same moment `before` saw.
          for (const [b, , calls] of hits(outcome.url)) {
            const i = calls.findIndex((c) => c.t == outcome.start);
            const call = calls[i];
            if (call) {
              calls.splice(i, 1);
              clearTimeout(call.timer);
            }
            // `failed` is false for an aborted call: that says nothing about the backend. A
            // call that was not found (started while the breaker was open) counts as timed
            // out when it ends late.
            if (call?.timer !== 0 && b.record(outcome.failed || outcome.duration_ms >= timeoutMs)) update(outcome.request_id);
          }
        },
      });
      followStatus({
        url: `${endpoint}/v1/status?key=${encodeURIComponent(key)}`,
        fetch: get,
        onStatus(s) {
          if (s?.flags && isNewer(s, status)) {
            status = s;
            storageSet(stored, JSON.stringify(s));
            update();
          }
        },
      });
    },
  };
}
