import { describe, expect, it } from 'vitest';

import { main } from '../src/cli/main.js';
import { bufferIo } from './helpers/buffer-io.js';
import { sampleRunArgs } from './helpers/paths.js';
import { useTempDirs } from './helpers/temp-dir.js';

// Second fresh-user trial: a SIGTERM in the last moments of a run printed "finishing the
// chunks in flight…", then the summary, and exited 0 without a word on how the signal ended.

const tempDir = useTempDirs('signal-at-the-end');

describe('a signal after the run can no longer stop', () => {
  it('lets it complete with exit 0 and says the signal came as it was finishing', async () => {
    const io = bufferIo();
    let sent = false;
    // graph_created's end is the last event: every point where the run could stop is past.
    const watch = (d: Buffer): void => {
      const text = d.toString();
      if (!sent && text.includes('"step-end"') && text.includes('"graph_created"')) {
        sent = true;
        process.emit('SIGTERM', 'SIGTERM');
      }
    };
    io.stdout.on('data', watch);
    io.stderr.on('data', watch);

    const code = await main([...sampleRunArgs(tempDir()), '--log-format', 'json'], io);

    expect(sent).toBe(true);
    expect(code).toBe(0);
    expect(io.out()).toContain('"kind":"summary"');
    expect(io.err()).toContain('SIGTERM came as the run was finishing; it completed');
  });
});
