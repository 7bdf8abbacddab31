import { BadRowError } from '../errors.js';
import type { OnBadRow } from '../options.js';
import type { RejectedRow } from './rejects.js';

/**
 * The bad-row policy in one place (SPEC §11): `fail` stops at the first bad row with
 * `file:line: reason`; `skip` keeps every reject for the summary and `rejected_rows.csv`.
 */
export class BadRows {
  readonly rows: RejectedRow[] = [];

  constructor(readonly policy: OnBadRow) {}

  add(row: RejectedRow): void {
    if (this.policy === 'fail') throw new BadRowError(row.file, row.line, row.reason);
    this.rows.push(row);
  }
}
