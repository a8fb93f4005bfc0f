import { AlertsConfig, describeIssues } from '@lifeline/protocol';

export type RulesResult = { ok: true; config: AlertsConfig } | { ok: false; reason: string };

/**
 * Reads the rules file's text: JSON, checked against `AlertsConfig`, and every rule's
 * project checked against the projects the collector knows (from its read tokens).
 *
 * @example parseRules('{"project":"demo","rules":[]}', new Set(['demo']))
 */
export function parseRules(text: string, projects: ReadonlySet<string>): RulesResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: `not JSON: ${err instanceof Error ? err.message : String(err)}` };
  }
  const parsed = AlertsConfig.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: describeIssues(parsed.error).reason };
  const config = parsed.data;
  const unknown = config.rules
    .map((r, i) => ({ i, project: r.project ?? config.project }))
    .filter((r) => r.project !== undefined && !projects.has(r.project));
  if (unknown.length) {
    return { ok: false, reason: unknown.map((u) => `rules.${u.i}.project: no read token is configured for project "${u.project}"`).join('; ') };
  }
  return { ok: true, config };
}

/** The configuration with no rules, used until a rules file is loaded. */
export const EMPTY_RULES: AlertsConfig = AlertsConfig.parse({});
