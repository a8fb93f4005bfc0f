/**
 * Development settings shared by `npm start` and the end-to-end tests: one project,
 * its public ingest key, the edge→collector secret and a read token. Never use these
 * outside a developer's machine; every service also takes them from its environment.
 */
export const DEV = {
  project: 'demo',
  publicKey: 'pk_demo',
  collectorSecret: 'dev-collector-secret',
  readToken: 'dev-read-token',
  /** Lets the store's backend post its logs to the collector (`POST /v1/logs`). */
  ingestToken: 'dev-ingest-token',
  /** Lets ops flip feature flags at the edge (`npx lifeline flags …`). */
  opsToken: 'dev-ops-token',
  /** Protects the store's fault-injection endpoint. */
  adminToken: 'dev-admin-token',
  ports: { collector: 4000, edge: 8787, store: 3000 },
} as const;
