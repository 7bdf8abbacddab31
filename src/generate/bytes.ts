/** Byte-level writers shared by the row and account encoders. */

export const COMMA = 0x2c;
export const DOT = 0x2e;
export const NEWLINE = 0x0a;
export const ZERO = 0x30;

const HEX = Buffer.from('0123456789ABCDEF', 'latin1');

/** Byte loop rather than Buffer.copy: for runs this short the call overhead dominates. */
export function copy(
  out: Buffer,
  pos: number,
  source: Uint8Array,
  start: number,
  length: number,
): number {
  for (let index = 0; index < length; index++) out[pos + index] = source[start + index] as number;
  return pos + length;
}

export function copyAll(out: Buffer, pos: number, source: Uint8Array): number {
  return copy(out, pos, source, 0, source.length);
}

/** Writes a 32-bit unsigned value as 8 upper-case hex digits. */
export function writeHex8(out: Buffer, pos: number, value: number): number {
  for (let shift = 28; shift >= 0; shift -= 4) out[pos++] = HEX[(value >>> shift) & 0xf] as number;
  return pos;
}

/** Writes a non-negative safe integer in decimal. */
export function writeUint(out: Buffer, pos: number, value: number): number {
  let length = 1;
  for (let power = 10; power <= value; power *= 10) length++;

  let rest = value;
  for (let index = length - 1; index >= 0; index--) {
    const next = Math.floor(rest / 10);
    out[pos + index] = ZERO + rest - next * 10;
    rest = next;
  }
  return pos + length;
}
