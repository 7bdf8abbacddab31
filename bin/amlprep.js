#!/usr/bin/env node
// Thin launcher: the CLI lives in the compiled library so `npx amlprep` and `npm start` agree.
import { holdEarlySignals } from '../dist/src/cli/early-signals.js';

// Before the CLI's modules load, so a signal meanwhile still exits with a line and 130/143.
holdEarlySignals();
const { main } = await import('../dist/src/cli/main.js');

// A reader that goes away early (`amlprep status dir | head`, a log collector that dies) is no
// reason to stop: what is left to print is dropped, and the command finishes with its own exit
// code. Exiting at once, with 0, left a run's work undone and its folder locked (a trial's).
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') return;
    throw error;
  });
}

process.exitCode = await main(process.argv.slice(2));
