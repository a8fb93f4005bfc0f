import type { StatusResponse } from '@lifeline/protocol';
import type { FeatureState as WireState } from '@lifeline/protocol/limits';
import type { Integration } from '../core/types.js';
import { safely } from '../lib/safely.js';
import { storageGet, storageSet } from '../lib/storage.js';
import { createBreaker, type Breaker } from './createBreaker.js';
import { createNotice } from './createNotice.js';
import { followStatus } from './followStatus.js';
import { isHeld } from './held.js';
import { isNewer } from './isNewer.js';
import { markFeature } from './markFeature.js';
import { readOption } from './readOption.js';
import { resolveFeature } from './resolveFeature.js';
import type { BreakerOptions, DegradeOptions, FeatureState, FeatureStatus, NoticeTexts } from './types.js';

/** Fails to compile if the public FeatureState and the protocol's drift apart. */
type Assert<T extends true> = T;
type StatesMatch = Assert<[WireState] extends [FeatureState] ? ([FeatureState] extends [WireState] ? true : false) : false>;

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
export function degradation(options?: DegradeOptions): Degradation {
  // Taken before any capture module wraps fetch, so flag polls never meet a breaker.
  const get = typeof fetch == 'function' ? fetch.bind(globalThis) : undefined;
  const current = new Map<string, FeatureStatus>();
  return {
    name: 'degrade',
    feature: (name) => ({ state: 'ok', ...current.get(name) }),
    setup(client) {
      const { key, endpoint } = client.options;
      const stored = `lifeline:flags:${key}`;
      const features = readOption<Record<string, unknown>>(options?.features);
      const breakerOptions = readOption<BreakerOptions>(options?.breaker);
      const lines = new Map<string, { breaker: Breaker; prefixes: string[] }>();
      for (const name in features) {
        if (!NAME.test(name)) continue;
        const prefixes: string[] = [];
        for (const route of ([] as unknown[]).concat(features[name])) safely(() => prefixes.push(new URL(route as string, location.href).href));
        lines.set(name, { breaker: createBreaker(breakerOptions), prefixes });
      }
      const notice = createNotice(readOption<NoticeTexts>(options?.texts));
      let status: StatusResponse | undefined = safely(() => JSON.parse(storageGet(stored)!));
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
        let next = Infinity;
        const changed: [string, FeatureStatus][] = [];
        const flags = status?.flags ?? {};
        for (const name of new Set([...Object.keys(flags), ...lines.keys(), ...current.keys()])) {
          if (!NAME.test(name)) continue;
          const flag = flags[name];
          if (flag?.until! > now) next = Math.min(next, flag!.until!);
          const was = current.get(name) ?? { state: 'ok' };
          const s = resolveFeature(flag, !!lines.get(name)?.breaker.open, now, was);
          if (s.state != was.state || s.message != was.message || s.reason != was.reason) {
            current.set(name, s);
            changed.push([name, s]);
          }
        }
        // Expiry happens here, even offline; setTimeout cannot wait longer than about 24.8 days.
        clearTimeout(timer);
        if (next < Infinity) timer = setTimeout(update, Math.min(next - now, 2e9));
        render();
        for (const [feature, s] of changed) {
          // A change always has a reason: only the initial ok has none.
          const detail = { feature, ...(s as Required<FeatureStatus>) };
          // A listener that throws is reported by the browser; dispatchEvent itself does not throw.
          dispatchEvent(new CustomEvent('lifeline:feature', { detail }));
          client.capture({ kind: 'degrade', ...detail, request_id: requestId });
        }
      };

      /** The breakers of the features whose routes `target` falls under. */
      const hits = (target: string) => {
        const abs = new URL(target, location.href).href;
        const found: Breaker[] = [];
        lines.forEach((l) => l.prefixes.some((p) => abs.startsWith(p)) && found.push(l.breaker));
        return found;
      };

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
      client.onRequest({
        before: (req) =>
          safely(() => {
            for (const breaker of hits(req.url))
              if (!breaker.allow()) return new Response(null, { status: 503, headers: { 'X-Lifeline-Breaker': 'open' } });
            return undefined;
          }),
        after: (outcome) =>
          safely(() => {
            let flipped = false;
            // An aborted call says nothing about the backend (the customer navigated away).
            for (const breaker of hits(outcome.url)) flipped = breaker.record(outcome.failed && outcome.reason != 'abort') || flipped;
            if (flipped) update(outcome.request_id);
          }),
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
