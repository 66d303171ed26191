#!/usr/bin/env node
// The `carrel` command. Carrel runs its TypeScript sources through tsx's loader, so an
// `npm install` is all a library needs — there is no separate build step to forget.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
