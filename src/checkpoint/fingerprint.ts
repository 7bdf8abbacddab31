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

export function fingerprintFile(path: string): FileFingerprint {
  const fd = openInput(path);
  try {
    const { size, mtimeMs } = fstatSync(fd);
    const hash = createHash('sha256');
    const buf = Buffer.allocUnsafe(BLOCK);
    for (const offset of sampleOffsets(size)) {
      const n = readSync(fd, buf, 0, Math.min(BLOCK, size - offset), offset);
      hash.update(buf.subarray(0, n));
    }
    return { path, size, mtimeMs, sample: hash.digest('hex') };
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
