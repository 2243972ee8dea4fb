#!/usr/bin/env node
// `npx loupe …`: the dataset format tools. The codecs are TypeScript, loaded through tsx.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
