#!/usr/bin/env node
// Thin launcher: the CLI lives in the compiled library so `npx amlprep` and `npm start` agree.
import { holdEarlySignals } from '../dist/src/cli/early-signals.js';

// Before the CLI's modules load, so a signal meanwhile still exits with a line and 130/143.
holdEarlySignals();
const { main } = await import('../dist/src/cli/main.js');

// `amlprep status dir | head` closes the pipe early; that is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

process.exitCode = await main(process.argv.slice(2));
