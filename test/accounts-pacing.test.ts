import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { AbortedError } from '../src/errors.js';
import { accountOf, readAccounts } from '../src/ingest/accounts.js';
import { BadRows } from '../src/ingest/bad-rows.js';
import { Pacer } from '../src/pipeline/pacer.js';
import { useTempDirs } from './helpers/temp-dir.js';

// The accounts file is read on the coordinator while the pool parses (a second or more for a
// full file), so a stop must take effect part way through it, not after it.

const tempDir = useTempDirs('accounts-pacing');

function accountsFile(rows: number): string {
  const path = join(tempDir(), 'accounts.csv');
  const lines = ['Bank Name,Bank ID,Account Number,Entity ID,Entity Name'];
  for (let i = 0; i < rows; i++) {
    lines.push(`Bank ${i % 7},${i % 7},A${i},E${i},Corporation #${i}`);
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

describe('reading a large accounts file', () => {
  it('stops with AbortedError when the run is stopped part way', async () => {
    const path = accountsFile(40_000);
    const controller = new AbortController();
    controller.abort();

    const error = await readAccounts(path, new BadRows('fail'), new Pacer(controller.signal)).catch(
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(AbortedError);
  });

  it('reads every row when nothing stops it', async () => {
    const path = accountsFile(40_000);

    const table = await readAccounts(path, new BadRows('fail'), new Pacer(undefined));

    expect(table.rows).toBe(40_000);
    expect(accountOf(table, 39_999)).toEqual({ bankId: String(39_999 % 7), account: 'A39999' });
    expect(table.entityTypes).toEqual(['Corporation']);
    expect(table.entityType[39_999]).toBe(0);
  });
});
