/** `@lifeline/sdk/vitals`: web vitals for npm users who want them. */
export { vitalsCapture } from './capture/vitals.js';
