import {
  fingerprintAndIdentity,
  hashOf,
  type FileFingerprint,
  type FileIdentity,
} from '../checkpoint/fingerprint.js';
import { STEPS, type ResolvedOptions, type StepName } from '../options.js';

/**
 * Version of each step's definition. Bump one when its output or its chunking changes, so
 * checkpoints written by an older amlprep are recomputed instead of reused.
 */
const STEP_VERSIONS: Record<StepName, number> = {
  data_loaded: 5,
  node_features: 1,
  edge_features: 2,
  normalized: 1,
  imbalanced: 2,
  weights: 1,
  graph_created: 2,
};

/** The three inputs' identities when the run took their fingerprints (FileIdentity). */
export type InputIdentities = Record<'transactions' | 'accounts' | 'patterns', FileIdentity | null>;

/**
 * Each step's fingerprint hashes its version, the options it depends on and the previous
 * step's fingerprint, so a change reaches exactly that step and everything after it.
 */
export function fingerprintSteps(opts: ResolvedOptions) {
  const taken = {
    transactions: fingerprintAndIdentity(opts.transactions),
    accounts: opts.accounts === null ? null : fingerprintAndIdentity(opts.accounts),
    patterns: opts.patterns === null ? null : fingerprintAndIdentity(opts.patterns),
  };
  const inputs = {
    transactions: taken.transactions.fingerprint,
    accounts: taken.accounts?.fingerprint ?? null,
    patterns: taken.patterns?.fingerprint ?? null,
  };
  const identities: InputIdentities = {
    transactions: taken.transactions.identity,
    accounts: taken.accounts?.identity ?? null,
    patterns: taken.patterns?.identity ?? null,
  };
  const own: Record<StepName, Record<string, unknown>> = {
    data_loaded: {
      inputs: strip(inputs),
      sample: opts.sample,
      chunkSize: opts.chunkSize,
      onBadRow: opts.onBadRow,
    },
    node_features: {},
    edge_features: {},
    normalized: { split: opts.split.join(',') },
    // `none` reads neither: a ratio or seed given with it must not make the step out of date
    // (a trial saw --smote-ratio 3 with none recompute it, and the outputs, when dropped).
    imbalanced:
      opts.imbalance === 'none'
        ? { imbalance: 'none' }
        : { imbalance: opts.imbalance, smoteRatio: opts.smoteRatio, seed: opts.seed },
    weights: {},
    graph_created: {},
  };
  const fingerprints = {} as Record<StepName, string>;
  const bases = {} as Record<StepName, Record<string, unknown>>;
  let previous = '';
  for (const s of STEPS) {
    bases[s] = { version: STEP_VERSIONS[s], previous, ...own[s] };
    fingerprints[s] = hashOf(bases[s]);
    previous = fingerprints[s];
  }
  return { fingerprints, bases, inputs, identities };
}

/** Paths differ between machines; the fingerprint is about the bytes. */
function strip(inputs: Record<string, FileFingerprint | null>) {
  return Object.fromEntries(
    Object.entries(inputs).map(([k, v]) => [
      k,
      v === null ? null : { size: v.size, mtimeMs: v.mtimeMs, sample: v.sample },
    ]),
  );
}
