/**
 * The collector's query API (`/v1/query/*`): the parameters each query takes and the
 * answer it gives. Parameters arrive as query-string text and are parsed here, so the
 * collector's routes and its CLI validate with the same schemas.
 */
export * from './queries/params';
export * from './queries/funnel-steps';
export * from './queries/funnel';
export * from './queries/metrics';
export * from './queries/anomalies';
export * from './queries/errors';
export * from './queries/search';
export * from './queries/vitals';
export * from './queries/red';
export * from './queries/timeline';
