/**
 * What is measured: each contender is an entry module that sets `window.benchSdk` to
 * `{ init(origin), track(i) }`, doing the closest thing each SDK has to our `init` and
 * `track`, with its default capture turned on and its data sent to the page's origin.
 */
export interface Contender {
  name: string;
  /** The package that must be installed, or undefined for Lifeline itself. */
  needs?: string;
  /** What `track` calls, for the table. */
  call: string;
  /** Entry module source; undefined means the script-tag bundle dist/lifeline.js plus `glue`. */
  entry?: string;
  glue?: string;
}

export const CONTENDERS: Contender[] = [
  {
    name: 'Lifeline (dist/lifeline.js)',
    call: "lifeline.track('bench_event', { i })",
    glue: `window.benchSdk = {
      init: (origin) => lifeline.init({ key: 'pk_bench', endpoint: origin }),
      track: (i) => lifeline.track('bench_event', { i }),
    };`,
  },
  {
    name: '@sentry/browser',
    needs: '@sentry/browser',
    call: "Sentry.captureMessage('bench_event ' + i, 'info')",
    entry: `import * as Sentry from '@sentry/browser';
      window.benchSdk = {
        init: (origin) => Sentry.init({ dsn: origin.replace('//', '//public@') + '/1', release: 'bench' }),
        // Distinct messages: the default Dedupe integration drops a repeat of the previous one.
        track: (i) => Sentry.captureMessage('bench_event ' + i, 'info'),
      };`,
  },
  {
    name: '@grafana/faro-web-sdk',
    needs: '@grafana/faro-web-sdk',
    call: "faro.api.pushEvent('bench_event', { i })",
    entry: `import { initializeFaro, getWebInstrumentations } from '@grafana/faro-web-sdk';
      let faro;
      window.benchSdk = {
        init: (origin) => { faro = initializeFaro({ url: origin + '/api/faro', app: { name: 'bench', version: '1' }, instrumentations: getWebInstrumentations() }); },
        track: (i) => faro.api.pushEvent('bench_event', { i: String(i) }),
      };`,
  },
];

/** npm import combinations of our package, bundled as a store would. */
export const OUR_IMPORTS: [label: string, source: string][] = [
  ["core: import { init, track } from '@lifeline/sdk'", "import { init, track } from '@lifeline/sdk'; window.x = [init, track];"],
  [
    "core + '@lifeline/sdk/network'",
    "import { init } from '@lifeline/sdk'; import { networkCapture } from '@lifeline/sdk/network'; window.x = [init, networkCapture];",
  ],
  [
    "core + '@lifeline/sdk/vitals'",
    "import { init } from '@lifeline/sdk'; import { vitalsCapture } from '@lifeline/sdk/vitals'; window.x = [init, vitalsCapture];",
  ],
  [
    'core + network + vitals',
    "import { init } from '@lifeline/sdk'; import { networkCapture } from '@lifeline/sdk/network'; import { vitalsCapture } from '@lifeline/sdk/vitals'; window.x = [init, networkCapture, vitalsCapture];",
  ],
];
