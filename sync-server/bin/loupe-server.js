#!/usr/bin/env node
// `npx loupe-server …`: runs the TypeScript CLI through tsx's loader.
import { register } from 'tsx/esm/api';

register();
const { run } = await import('../cli.ts');
run(process.argv.slice(2));
