import { describe, expect, it } from 'vitest';

import { SharedBuffers } from '../../src/pipeline/shared-buffers.js';

describe('SharedBuffers', () => {
  it('makes a new buffer when none is free', () => {
    const buffers = new SharedBuffers();

    const a = buffers.take(100);
    const b = buffers.take(100);

    expect(a.byteLength).toBe(100);
    expect(b).not.toBe(a);
  });

  it('hands back the smallest free buffer that is large enough', () => {
    const buffers = new SharedBuffers();
    const small = buffers.take(64);
    const middle = buffers.take(256);
    const large = buffers.take(1024);
    for (const b of [large, small, middle]) buffers.give(b);

    expect(buffers.take(200)).toBe(middle);
    expect(buffers.take(200)).toBe(large);
    // Only the 64-byte one is left, too small: a new one.
    const fresh = buffers.take(200);
    expect([small, middle, large]).not.toContain(fresh);
    expect(buffers.take(10)).toBe(small);
  });
});
