import { describe, expect, it } from 'vitest';

import { pieces } from '../../src/pipeline/chunks.js';

// A chunk's range handed to the pool as one task per worker (node_features, imbalanced).

describe('a chunk range cut into pieces', () => {
  it('covers the range in order, without gaps or overlaps, in nearly equal parts', () => {
    expect(pieces(100, 110, 3)).toEqual([
      { from: 100, to: 103 },
      { from: 103, to: 106 },
      { from: 106, to: 110 },
    ]);
    expect(pieces(0, 8, 2)).toEqual([
      { from: 0, to: 4 },
      { from: 4, to: 8 },
    ]);
  });

  it('never makes an empty piece of a range shorter than the piece count', () => {
    expect(pieces(7, 9, 4)).toEqual([
      { from: 7, to: 8 },
      { from: 8, to: 9 },
    ]);
    expect(pieces(3, 4, 8)).toEqual([{ from: 3, to: 4 }]);
  });

  it('gives the whole range as one piece for one worker', () => {
    expect(pieces(0, 100_000, 1)).toEqual([{ from: 0, to: 100_000 }]);
  });
});
