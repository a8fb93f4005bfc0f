/**
 * Browser family, OS and device type from a user-agent column, in SQL, so breakdowns group
 * in ClickHouse. Order matters: Edge and Opera also say "Chrome", Chrome also says
 * "Safari", and iOS browsers other than Safari say "CriOS"/"FxiOS" next to "Safari".
 */
export const browserFamily = (ua: string) => `multiIf(
  ${ua} = '', '(unknown)',
  match(${ua}, '(?i)bot|crawler|spider|headless'), 'Bot',
  match(${ua}, 'Edg(e|A|iOS)?/'), 'Edge',
  match(${ua}, 'OPR/|Opera'), 'Opera',
  match(${ua}, 'SamsungBrowser/'), 'Samsung Internet',
  match(${ua}, 'Firefox/|FxiOS/'), if(match(${ua}, 'Mobile|Android|FxiOS'), 'Firefox Mobile', 'Firefox'),
  match(${ua}, 'Chrome/|CriOS/'), if(match(${ua}, 'Mobile|CriOS'), 'Chrome Mobile', 'Chrome'),
  match(${ua}, 'Version/[0-9.]+.*Safari/'), if(match(${ua}, 'Mobile|iPhone|iPad'), 'Mobile Safari', 'Safari'),
  'Other')`;

export const osFamily = (ua: string) => `multiIf(
  ${ua} = '', '(unknown)',
  match(${ua}, 'iPhone|iPad|iPod'), 'iOS',
  match(${ua}, 'Android'), 'Android',
  match(${ua}, 'Windows'), 'Windows',
  match(${ua}, 'Mac OS X|Macintosh'), 'macOS',
  match(${ua}, 'CrOS'), 'ChromeOS',
  match(${ua}, 'Linux'), 'Linux',
  'Other')`;

export const deviceType = (ua: string) => `multiIf(
  ${ua} = '', '(unknown)',
  match(${ua}, '(?i)bot|crawler|spider|headless'), 'bot',
  match(${ua}, 'iPad|Tablet') OR (match(${ua}, 'Android') AND NOT match(${ua}, 'Mobile')), 'tablet',
  match(${ua}, 'Mobile|iPhone|iPod'), 'mobile',
  'desktop')`;
