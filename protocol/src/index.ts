export * from './limits';
export * from './primitives';
export * from './events';
export * from './batch';
export * from './flags';
export * from './timeline';
export { describeIssues } from './issues';
export * from './logs';
