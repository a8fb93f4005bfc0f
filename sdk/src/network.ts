/** `@lifeline/sdk/network`: fetch/XHR instrumentation and request IDs for npm users who want them. */
export { networkCapture } from './capture/network.js';
