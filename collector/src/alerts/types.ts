import type { AlertCause, AlertSeverity, AnomaliesQuery, AnomaliesResponse } from '@lifeline/protocol';

/** What evaluating a rule found for one of its alerts. */
export interface Finding {
  /** '' for a rule's only alert; otherwise which of its alerts (an SLO's severity). */
  instance: string;
  active: boolean;
  severity: AlertSeverity;
  /** One sentence: what was measured against what. */
  summary: string;
  value?: number;
  threshold?: number;
  /** Causes known from the evaluation itself (an anomaly's); otherwise looked up when notifying. */
  causes?: AlertCause[];
  /** Where the failing calls or errors are to be looked for: `from`–`to` for the cause lookup. */
  window: { from: number; to: number };
  /** Dashboard route (`#/red?path=/api/pay`) that shows this alert's data. */
  view: string;
}

/** The anomaly query as a function: the query module's, or the HTTP API called in-process. */
export type AnomalySource = (project: string, query: Partial<Record<keyof AnomaliesQuery, string>>) => Promise<AnomaliesResponse>;
