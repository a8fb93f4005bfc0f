import { parseJson } from './parseJson.js';

/**
 * An option as the page gave it, or parsed when it is text: script-tag attributes
 * (`data-features='{"checkout":["/api/orders"]}'`, `data-sample-rate='{"network":0.5}'`)
 * arrive as JSON. Unreadable JSON is ignored, like any other unusable option.
 */
export function readOption<T>(value: T | string | undefined): T | undefined {
  return typeof value == 'string' ? parseJson<T>(value) : value;
}
