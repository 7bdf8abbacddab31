// Spawned by test/damaged-arrow-structure.test.ts with a small heap and a kill timer: a case
// that loops without end or runs out of memory must end this process, not the test runner.
//
// usage: node damage-sweep.mjs <dist index.js> <finished run folder> <work folder> <hex>...
// Writes the patterns, in turn, at every 4th byte of each output file of the finished run (one
// place at a time, into a copy) and reads the copy with inspectRun and readOutputs, then sets
// each byte of the footer (the schema: column types) to 0x20 for an npy export. Prints
// { cases, outcomes: { "<how it ended>": count }, odd: [...] }, where odd are the cases that
// ended otherwise than read or refused with a message naming the changed file.

import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [lib, finished, work, ...hex] = process.argv.slice(2);
const { exportRun, inspectRun, readOutputs } = await import(lib);
const patterns = hex.map((h) => Buffer.from(h, 'hex'));
const copy = join(work, 'copy');
cpSync(finished, copy, { recursive: true });

const outcomes = {};
const odd = [];
let cases = 0;

async function outcome(call, file) {
  try {
    await call();
    return 'read';
  } catch (error) {
    const code = error?.code ?? `${error?.constructor?.name}: ${error?.message}`;
    // A refusal that does not say which file (trial N: `column "day_cos_z" holds 210 nulls`).
    return code === 'ERR_AMLPREP_INPUT' && !error.message.includes(file) ? error.message : code;
  }
}

for (const file of ['nodes.arrow', 'edges.arrow', 'train_resampled.arrow']) {
  const original = readFileSync(join(finished, file));
  for (let at = 0; at + 4 <= original.length; at += 4) {
    const bytes = Buffer.from(original);
    patterns[(at / 4) % patterns.length].copy(bytes, at);
    writeFileSync(join(copy, file), bytes);
    for (const [name, call] of [
      ['inspect', () => inspectRun(copy)],
      ['readOutputs', () => readOutputs(copy, { verify: false })],
    ]) {
      cases++;
      const how = await outcome(call, file);
      outcomes[how] = (outcomes[how] ?? 0) + 1;
      if (how !== 'read' && how !== 'ERR_AMLPREP_INPUT') odd.push(`${file}@${at} ${name}: ${how}`);
    }
  }
  const footer = original.length - 10 - original.readInt32LE(original.length - 10);
  for (let at = footer; at < original.length; at++) {
    const bytes = Buffer.from(original);
    bytes[at] = 0x20;
    writeFileSync(join(copy, file), bytes);
    cases++;
    const how = await outcome(() => exportRun(copy, 'npy', join(work, 'npy')), file);
    outcomes[how] = (outcomes[how] ?? 0) + 1;
    if (how !== 'read' && how !== 'ERR_AMLPREP_INPUT') odd.push(`${file}@${at} footer: ${how}`);
  }
  writeFileSync(join(copy, file), original);
}

console.log(JSON.stringify({ cases, outcomes, odd: odd.slice(0, 20) }));
