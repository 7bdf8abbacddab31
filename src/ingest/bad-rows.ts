import { BadRowError } from '../errors.js';
import type { OnBadRow } from '../options.js';
import { withSpan, type RejectedRow } from './rejects.js';

/**
 * The bad-row policy in one place (SPEC §11): `fail` stops at the first bad row with
 * `file:line: reason`; `skip` keeps every reject for the summary and `rejected_rows.csv`.
 */
export class BadRows {
  readonly rows: RejectedRow[] = [];

  constructor(readonly policy: OnBadRow) {}

  add(row: RejectedRow): void {
    const reason = withSpan(row.reason, row.line, row.text);
    if (this.policy === 'fail') throw new BadRowError(row.file, row.line, reason);
    this.rows.push({ ...row, reason });
  }
}
