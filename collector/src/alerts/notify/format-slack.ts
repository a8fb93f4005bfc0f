import type { AlertMessage, AlertNotification } from '@lifeline/protocol';

/** Slack's Block Kit message: `text` is the notification fallback, `blocks` the layout. */
export interface SlackMessage {
  text: string;
  blocks: Record<string, unknown>[];
}

/** Slack allows 50 blocks a message; each alert takes up to five plus a divider. */
const MAX_ALERTS = 8;
/** Section text is capped at 3000 characters, header text at 150. */
const MAX_SECTION = 2900;
const MAX_HEADER = 150;

/** Slack mrkdwn treats these three as control characters (api.slack.com, "Formatting text"). */
const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const clip = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);
/** A link where the URL is absolute; plain text otherwise (a relative runbook path). */
const link = (url: string | undefined, label: string) => (url && /^https?:\/\//.test(url) ? `<${url}|${escape(label)}>` : url ? `${escape(label)} (${escape(url)})` : escape(label));

const state = (a: AlertMessage) => (a.status === 'resolved' ? 'RESOLVED' : a.repeat ? 'STILL FIRING' : 'FIRING');
const headline = (a: AlertMessage) => `[${state(a)}] ${a.severity}: ${a.name}`;

/**
 * A notification as a Slack incoming-webhook message: per alert a header, the summary,
 * severity, project and start time, the likely causes and the dashboard and runbook links.
 *
 * @example formatSlack(notification) // { text: '[FIRING] critical: Checkout errors', blocks: [...] }
 */
export function formatSlack(n: AlertNotification): SlackMessage {
  const shown = n.alerts.slice(0, MAX_ALERTS);
  const blocks: Record<string, unknown>[] = [];
  shown.forEach((a, i) => {
    if (i > 0) blocks.push({ type: 'divider' });
    blocks.push({ type: 'header', text: { type: 'plain_text', text: clip(headline(a), MAX_HEADER) } });
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: clip(escape(a.summary), MAX_SECTION) } });
    const since = Math.floor(a.started_at / 1000);
    const fields = [
      `*Severity*\n${a.severity}`,
      `*Project*\n${escape(a.project)}`,
      `*Started*\n<!date^${since}^{date_short_pretty} {time}|${new Date(a.started_at).toISOString()}>`,
      a.resolved_at ? `*Resolved*\n<!date^${Math.floor(a.resolved_at / 1000)}^{date_short_pretty} {time}|${new Date(a.resolved_at).toISOString()}>` : `*Rule*\n${escape(a.rule_id)}`,
    ];
    blocks.push({ type: 'section', fields: fields.map((text) => ({ type: 'mrkdwn', text })) });
    if (a.causes.length) {
      const lines = a.causes.slice(0, 6).map((c) => `• ${link(c.link, c.label)}${c.detail ? ` — ${escape(c.detail)}` : ''}`);
      blocks.push({ type: 'section', text: { type: 'mrkdwn', text: clip(`*Likely causes*\n${lines.join('\n')}`, MAX_SECTION) } });
    }
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `${link(a.links.dashboard, 'Open in dashboard')} · ${link(a.links.runbook, 'Runbook')}` }] });
  });
  if (n.alerts.length > shown.length) {
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `…and ${n.alerts.length - shown.length} more alerts; see the dashboard's Alerts view.` }] });
  }
  const text = n.alerts.length === 1 ? `${headline(n.alerts[0]!)} — ${n.alerts[0]!.summary}` : `${n.alerts.length} alerts: ${n.alerts.map(headline).join('; ')}`;
  return { text: clip(text, MAX_SECTION), blocks };
}
