/** Every localStorage key the SDK writes, so `consent(false)` can delete them all. */
export const STORAGE_KEYS = {
  anon: 'lifeline:anon',
  session: 'lifeline:session',
  user: 'lifeline:user',
  queue: 'lifeline:queue',
  /** Set by `consent(false)`: the refusal itself must outlive the page. */
  optOut: 'lifeline:optout',
} as const;
