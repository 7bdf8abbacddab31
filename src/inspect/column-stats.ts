import { Type, type Data, type RecordBatch, type Vector } from 'apache-arrow';

/** min / mean / max / nulls of one column over a whole file, as `inspect` reports them. */
export interface ColumnStats {
  name: string;
  type: string;
  nulls: number;
  /** NaN values (float columns only; they take no part in min, mean and max). */
  nan: number;
  /** Numbers; timestamps as ISO 8601 UTC; null for text. */
  min: number | string | null;
  mean: number | string | null;
  max: number | string | null;
  /** Distinct values, for text and dictionary columns. */
  distinct: number | null;
}

/** Accumulates one column's statistics batch by batch. */
export class ColumnStatsBuilder {
  readonly #name: string;
  #type = '';
  #nulls = 0;
  #nan = 0;
  #count = 0;
  #sum = 0;
  #carry = 0;
  #min = Infinity;
  #max = -Infinity;
  #timestamp = false;
  #distinct: Set<string> | null = null;

  constructor(name: string) {
    this.#name = name;
  }

  add(batch: RecordBatch): void {
    const vector = batch.getChild(this.#name)!;
    this.#type = String(vector.type);
    if (vector.type.typeId === Type.Utf8) {
      this.#addText(vector);
      return;
    }
    for (const data of vector.data) {
      this.#nulls += data.nullCount;
      switch (data.typeId) {
        case Type.Dictionary:
          this.#addCodes(data);
          break;
        case Type.Timestamp:
          this.#timestamp = true;
          this.#addNumbers(data, numbers(data));
          break;
        default:
          this.#addNumbers(data, numbers(data));
      }
    }
  }

  result(): ColumnStats {
    const seen = this.#count > 0;
    const mean = seen ? this.#sum / this.#count : null;
    const show = (x: number | null) => (x === null || !this.#timestamp ? x : iso(x));
    return {
      name: this.#name,
      type: this.#type,
      nulls: this.#nulls,
      nan: this.#nan,
      min: seen ? show(this.#min) : null,
      mean: show(mean),
      max: seen ? show(this.#max) : null,
      distinct: this.#distinct === null ? null : this.#distinct.size,
    };
  }

  #addNumbers(data: Data, values: ArrayLike<number>): void {
    for (let i = 0; i < values.length; i++) {
      if (data.nullCount > 0 && !data.getValid(i)) continue;
      const x = values[i]!;
      if (Number.isNaN(x)) {
        this.#nan++;
        continue;
      }
      if (x < this.#min) this.#min = x;
      if (x > this.#max) this.#max = x;
      this.#count++;
      // Neumaier summation: the mean of 180 M doubles stays accurate to the last digits.
      const t = this.#sum + x;
      this.#carry += Math.abs(this.#sum) >= Math.abs(x) ? this.#sum - t + x : x - t + this.#sum;
      this.#sum = t;
    }
    this.#sum += this.#carry;
    this.#carry = 0;
  }

  #addText(vector: Vector): void {
    const distinct = (this.#distinct ??= new Set());
    this.#nulls += vector.nullCount;
    for (const value of vector) if (value !== null) distinct.add(String(value));
  }

  /** Dictionary columns: the texts of the codes that occur. */
  #addCodes(data: Data): void {
    const distinct = (this.#distinct ??= new Set());
    const codes = (data.values as Int32Array).subarray(data.offset, data.offset + data.length);
    const used = new Uint8Array(data.dictionary!.length);
    for (let i = 0; i < codes.length; i++) {
      if (data.nullCount === 0 || data.getValid(i)) used[codes[i]!] = 1;
    }
    used.forEach((u, code) => {
      if (u === 1) distinct.add(String(data.dictionary!.get(code)));
    });
  }
}

/** A numeric column's values as numbers (int64 and timestamps through two 32-bit halves). */
function numbers(data: Data): ArrayLike<number> {
  const raw = data.values as ArrayLike<number> & { subarray(a: number, b: number): unknown };
  if (raw instanceof BigInt64Array) {
    const halves = new Int32Array(raw.buffer, raw.byteOffset + data.offset * 8, data.length * 2);
    const out = new Float64Array(data.length);
    for (let i = 0; i < data.length; i++) {
      out[i] = halves[2 * i + 1]! * 4_294_967_296 + (halves[2 * i]! >>> 0);
    }
    return out;
  }
  return raw.subarray(data.offset, data.offset + data.length) as ArrayLike<number>;
}

function iso(seconds: number): string {
  return `${new Date(Math.round(seconds) * 1000).toISOString().slice(0, 19)}Z`;
}
