/** A write refused because the (injected) database fault says it is down. */
export class DatabaseUnavailable extends Error {
  constructor() {
    super('database unavailable');
    this.name = 'DatabaseUnavailable';
  }
}
