import type { QueryName } from '../../query/queries';
import { formatAnomalies } from './anomalies';
import { formatErrors } from './errors';
import { formatFunnel } from './funnel';
import { formatMetrics } from './metrics';
import { formatRed } from './red';
import { formatSearch } from './search';
import { formatTimeline } from './timeline';
import { formatVitals } from './vitals';

/** The table printer of each command; each takes that query's response. */
export const FORMATTERS: Record<QueryName, (response: never) => string> = {
  funnel: formatFunnel,
  metrics: formatMetrics,
  anomalies: formatAnomalies,
  errors: formatErrors,
  search: formatSearch,
  vitals: formatVitals,
  red: formatRed,
  timeline: formatTimeline,
};
