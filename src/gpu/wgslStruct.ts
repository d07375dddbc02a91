// Uniform structs of 4-byte scalars (u32, i32, f32), packed from the WGSL source itself: the field
// names, types and order are read from `struct Name { … }`, so TS never hand-counts byte offsets.

export type ScalarType = 'u32' | 'i32' | 'f32';

export interface ScalarStruct {
  name: string;
  fields: ReadonlyArray<{ name: string; type: ScalarType }>;
  /** Bytes of the uniform buffer: 4 per field, rounded up to 16. */
  byteLength: number;
}

/** The fields of `struct <name>` in `source`; throws if it is missing or has a non-scalar field. */
export function scalarStruct(source: string, name: string): ScalarStruct {
  const match = new RegExp(`struct\\s+${name}\\s*\\{([^}]*)\\}`).exec(source);
  if (!match) throw new Error(`no struct ${name} in the WGSL source`);
  const body = match[1].replace(/\/\/[^\n]*/g, '');
  const fields = body
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0)
    .map((entry) => {
      const field = /^(\w+)\s*:\s*(\w+)$/.exec(entry);
      if (!field || !['u32', 'i32', 'f32'].includes(field[2]))
        throw new Error(`struct ${name}: field "${entry}" is not a 4-byte scalar`);
      return { name: field[1], type: field[2] as ScalarType };
    });
  return { name, fields, byteLength: Math.max(16, Math.ceil((fields.length * 4) / 16) * 16) };
}

/** The bytes of one value of the struct; every field must be given, and nothing else. */
export function packScalarStruct(struct: ScalarStruct, values: Record<string, number>): ArrayBuffer {
  const bytes = new ArrayBuffer(struct.byteLength);
  const view = new DataView(bytes);
  const extra = Object.keys(values).filter((key) => !struct.fields.some((field) => field.name === key));
  if (extra.length > 0) throw new Error(`struct ${struct.name} has no field ${extra.join(', ')}`);
  struct.fields.forEach(({ name, type }, index) => {
    const value = values[name];
    if (value === undefined) throw new Error(`struct ${struct.name}: no value for ${name}`);
    if (type === 'f32') view.setFloat32(4 * index, value, true);
    else if (type === 'u32') view.setUint32(4 * index, value >>> 0, true);
    else view.setInt32(4 * index, value | 0, true);
  });
  return bytes;
}
