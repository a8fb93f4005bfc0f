import {
  AnomaliesQuery,
  ErrorsQuery,
  FunnelQuery,
  MetricsQuery,
  QueryTimelineQuery,
  RedQuery,
  SearchQuery,
  VitalsQuery,
} from '@lifeline/protocol';
import type { z } from 'zod';
import type { QueryService } from './service';

/** The query API's endpoints: name (`/v1/query/<name>`, CLI command) → its parameters' schema. */
export const QUERY_SCHEMAS = {
  funnel: FunnelQuery,
  metrics: MetricsQuery,
  anomalies: AnomaliesQuery,
  errors: ErrorsQuery,
  search: SearchQuery,
  vitals: VitalsQuery,
  red: RedQuery,
  timeline: QueryTimelineQuery,
} as const satisfies Record<keyof QueryService, z.ZodType>;

export type QueryName = keyof typeof QUERY_SCHEMAS;

export const QUERY_NAMES = Object.keys(QUERY_SCHEMAS) as QueryName[];

/** Runs a query by name with parameters that passed its schema. */
export function runQuery(service: QueryService, name: QueryName, project: string, params: unknown): Promise<unknown> {
  // The schema of `name` produced `params`, so the pairing holds; TypeScript cannot see it through the lookup.
  return (service[name] as (p: string, q: unknown) => Promise<unknown>)(project, params);
}
