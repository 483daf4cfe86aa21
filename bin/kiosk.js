#!/usr/bin/env node
// The `kiosk` command. The project runs its TypeScript sources directly through tsx's
// loader (no build step for the server side, so nothing generated is ever committed).
import { register } from 'tsx/esm/api';

register();
await import('../cli/src/main.ts');
