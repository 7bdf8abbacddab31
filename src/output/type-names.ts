import { DataType, Precision, TimeUnit } from 'apache-arrow';

const UNITS: Record<TimeUnit, string> = {
  [TimeUnit.SECOND]: 's',
  [TimeUnit.MILLISECOND]: 'ms',
  [TimeUnit.MICROSECOND]: 'us',
  [TimeUnit.NANOSECOND]: 'ns',
};

const FLOATS: Record<Precision, string> = {
  [Precision.HALF]: 'float16',
  [Precision.SINGLE]: 'float32',
  [Precision.DOUBLE]: 'float64',
};

/**
 * An Arrow type as manifest.json's `columns` name it (`float64`, `timestamp[s, UTC]`,
 * `dictionary<int32, utf8>`), so a file's schema can be compared with the manifest's types;
 * a type amlprep never writes is named by Arrow JS's own text.
 */
export function typeName(type: DataType): string {
  if (DataType.isFloat(type)) return FLOATS[type.precision];
  if (DataType.isInt(type)) return `${type.isSigned ? 'int' : 'uint'}${type.bitWidth}`;
  if (DataType.isUtf8(type)) return 'utf8';
  if (DataType.isTimestamp(type)) {
    return `timestamp[${UNITS[type.unit]}, ${type.timezone ?? 'no time zone'}]`;
  }
  if (DataType.isDictionary(type)) {
    return `dictionary<${typeName(type.indices)}, ${typeName(type.dictionary)}>`;
  }
  return String(type);
}
