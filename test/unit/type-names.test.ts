// manifest.json names column types in its own words; src/output/type-names.ts names a file's
// schema types the same way so the two can be compared.
import {
  Dictionary,
  Float16,
  Float64,
  Int32,
  Int64,
  Int8,
  TimestampMillisecond,
  TimestampSecond,
  Uint8,
  Utf8,
} from 'apache-arrow';
import { describe, expect, it } from 'vitest';

import { typeName } from '../../src/output/type-names.js';

describe('typeName', () => {
  it.each([
    [new Float64(), 'float64'],
    [new Float16(), 'float16'],
    [new Int8(), 'int8'],
    [new Int32(), 'int32'],
    [new Int64(), 'int64'],
    [new Uint8(), 'uint8'],
    [new Utf8(), 'utf8'],
    [new TimestampSecond('UTC'), 'timestamp[s, UTC]'],
    [new TimestampMillisecond('UTC'), 'timestamp[ms, UTC]'],
    [new Dictionary(new Utf8(), new Int32()), 'dictionary<int32, utf8>'],
  ])('names %s as %s', (type, name) => {
    expect(typeName(type)).toBe(name);
  });
});
