#!/usr/bin/env node
// Thin launcher: the CLI lives in the compiled library so `npx amlprep` and `npm start` agree.
import { main } from '../dist/src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
