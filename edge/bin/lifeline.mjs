#!/usr/bin/env node
// The `lifeline` ops CLI. Its source is TypeScript (edge/src/cli); tsx loads it in place,
// so the repository needs no build step before an operator can flip a flag.
import { tsImport } from 'tsx/esm/api';

await tsImport('../src/cli/run.ts', import.meta.url);
