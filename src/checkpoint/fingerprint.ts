import { createHash } from 'node:crypto';
import { closeSync, fstatSync, readSync } from 'node:fs';

import { openInput } from '../ingest/read-file.js';

/**
 * Identity of an input file without reading all of it: size, mtime and a SHA-256 over its head,
 * tail and 64 evenly spaced 64 KiB blocks. A 16 GB file is fingerprinted in milliseconds; an
 * edit that keeps size and mtime and misses every sampled block goes unnoticed (README).
 */
export interface FileFingerprint {
  path: string;
  size: number;
  mtimeMs: number;
  sample: string;
}

const BLOCK = 64 * 1024;
const SAMPLES = 64;

/**
 * What tells this file apart from any other version of it during one run: besides size and
 * mtime, the inode (a file moved over it) and the ctime, which every write and every mtime
 * change (`touch -r`) moves. Not part of the fingerprint: a copied folder or a chmod would
 * then recompute everything.
 */
export interface FileIdentity {
  size: number;
  mtimeMs: number;
  ino: number;
  ctimeMs: number;
}

export function fingerprintFile(path: string): FileFingerprint {
  return fingerprintAndIdentity(path).fingerprint;
}

/** The fingerprint, and the identity of the very file it was taken from (one fstat). */
export function fingerprintAndIdentity(path: string): {
  fingerprint: FileFingerprint;
  identity: FileIdentity;
} {
  const fd = openInput(path);
  try {
    const { size, mtimeMs, ino, ctimeMs } = fstatSync(fd);
    const hash = createHash('sha256');
    const buf = Buffer.allocUnsafe(BLOCK);
    for (const offset of sampleOffsets(size)) {
      const n = readSync(fd, buf, 0, Math.min(BLOCK, size - offset), offset);
      hash.update(buf.subarray(0, n));
    }
    const fingerprint = { path, size, mtimeMs, sample: hash.digest('hex') };
    return { fingerprint, identity: { size, mtimeMs, ino, ctimeMs } };
  } finally {
    closeSync(fd);
  }
}

function sampleOffsets(size: number): number[] {
  if (size <= BLOCK * (SAMPLES + 2)) {
    const all: number[] = [];
    for (let at = 0; at < size; at += BLOCK) all.push(at);
    return all;
  }
  const step = Math.floor((size - BLOCK) / (SAMPLES + 1));
  const out = [0];
  for (let i = 1; i <= SAMPLES; i++) out.push(i * step);
  out.push(size - BLOCK);
  return out;
}

/** Stable hash of a JSON-able value (object keys sorted). */
export function hashOf(value: unknown): string {
  return createHash('sha256').update(stableJson(value)).digest('hex').slice(0, 16);
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
