#!/usr/bin/env node
// The `topfit` command. The platform is TypeScript run through tsx, so no build step stands between a
// change and a run.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
