#!/usr/bin/env node
// The collector and its CLI are TypeScript run by tsx, as `npm start` runs them. Registering
// tsx's loader here, in this process, keeps the command a single process (signals, exit
// status and stdio reach the collector directly).
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
