// Byte layouts read from the WGSL source through webgpu-utils, so TypeScript never counts offsets:
// a kernel's uniform struct is packed by field name (UniformLayout), and the structs a kernel writes
// into storage arrays are read back by field name (RecordLayout). Definitions are computed once per
// source (1–20 ms each), on first use rather than at module load.
import './webgpuUtilsGlobals';
import {
  getSizeAndAlignmentOfUnsizedArrayElement,
  makeShaderDataDefinitions,
  makeStructuredView,
  type ShaderDataDefinitions,
  type StructDefinition,
  type StructuredView,
} from 'webgpu-utils';

const definitions = new Map<string, ShaderDataDefinitions>();

/** webgpu-utils' reflection of a WGSL source (its structs, uniforms and storages), cached per source. */
export function shaderDefinitions(source: string): ShaderDataDefinitions {
  let found = definitions.get(source);
  if (!found) {
    found = makeShaderDataDefinitions(source);
    definitions.set(source, found);
  }
  return found;
}

/** Bytes per element of the runtime-sized array bound as `var<storage> <variable>` in a source. */
export function storageElementBytes(source: string, variable: string): number {
  const storage = shaderDefinitions(source).storages[variable];
  if (!storage) throw new Error(`no storage variable ${variable} in the WGSL source`);
  return getSizeAndAlignmentOfUnsizedArrayElement(storage).size;
}

export type UniformValue = number | readonly number[];
export type UniformValues = Readonly<Record<string, UniformValue>>;

/** A kernel's uniform struct: every field must be given by name, and nothing else. */
export class UniformLayout {
  readonly fieldNames: readonly string[];
  /** Bytes of a uniform buffer holding one value (the struct's size rounded up to 16). */
  readonly byteLength: number;
  /** Staging bytes, refilled by every pack: writes copy them at once. */
  private readonly view: StructuredView;

  constructor(
    readonly name: string,
    struct: StructDefinition,
  ) {
    this.fieldNames = Object.keys(struct.fields);
    this.byteLength = Math.max(16, Math.ceil(struct.size / 16) * 16);
    this.view = makeStructuredView(struct, new ArrayBuffer(this.byteLength));
  }

  private fill(values: UniformValues): ArrayBuffer {
    const extra = Object.keys(values).filter((key) => !this.fieldNames.includes(key));
    if (extra.length > 0) throw new Error(`struct ${this.name} has no field ${extra.join(', ')}`);
    const missing = this.fieldNames.filter((field) => values[field] === undefined);
    if (missing.length > 0) throw new Error(`struct ${this.name}: no value for ${missing.join(', ')}`);
    this.view.set(values);
    return this.view.arrayBuffer;
  }

  /** The bytes of one value (a copy). */
  pack(values: UniformValues): ArrayBuffer {
    return this.fill(values).slice(0);
  }

  /** Writes one value into `buffer` (queue order: before the next submit). */
  write(device: GPUDevice, buffer: GPUBuffer, values: UniformValues): void {
    device.queue.writeBuffer(buffer, 0, this.fill(values));
  }

  /** A uniform buffer created holding one value: for a dispatch that has its own uniforms. */
  createBuffer(device: GPUDevice, label: string, values: UniformValues): GPUBuffer {
    const bytes = this.fill(values);
    const buffer = device.createBuffer({
      label,
      size: this.byteLength,
      usage: GPUBufferUsage.UNIFORM,
      mappedAtCreation: true,
    });
    new Uint8Array(buffer.getMappedRange()).set(new Uint8Array(bytes));
    buffer.unmap();
    return buffer;
  }
}

const uniformLayouts = new Map<string, UniformLayout>();

/** The layout of the one `var<uniform>` of a kernel's source, cached per source. */
export function uniformLayout(source: string): UniformLayout {
  let layout = uniformLayouts.get(source);
  if (!layout) {
    const declarations = [...source.matchAll(/var<uniform>\s+(\w+)\s*:\s*(\w+)/g)];
    if (declarations.length !== 1)
      throw new Error(`expected one var<uniform> in the WGSL, found ${declarations.length}`);
    const [, variable, structName] = declarations[0];
    const uniform = shaderDefinitions(source).uniforms[variable];
    layout = new UniformLayout(structName, uniform.typeDefinition as StructDefinition);
    uniformLayouts.set(source, layout);
  }
  return layout;
}

/** A struct of 4-byte scalars that a kernel writes into a storage array, as the CPU reads it back. */
export class RecordLayout {
  /** 4-byte words per record: the stride of the array. */
  readonly words: number;
  private readonly fields: ReadonlyMap<string, number>;

  constructor(
    readonly name: string,
    struct: StructDefinition,
  ) {
    this.words = struct.size / 4;
    this.fields = new Map(
      Object.entries(struct.fields).map(([field, { offset, type }]) => {
        if (type.size !== 4) throw new Error(`struct ${name}: field ${field} is not a 4-byte scalar`);
        return [field, offset / 4];
      }),
    );
  }

  get fieldNames(): string[] {
    return [...this.fields.keys()];
  }

  /** The word index of `field` within a record. */
  wordOf(field: string): number {
    const word = this.fields.get(field);
    if (word === undefined) throw new Error(`struct ${this.name} has no field ${field}`);
    return word;
  }
}

const recordLayouts = new Map<string, RecordLayout>();

/** The layout of `struct <name>` in a WGSL source, cached. */
export function recordLayout(source: string, name: string): RecordLayout {
  const key = `${name}\n${source}`;
  let layout = recordLayouts.get(key);
  if (!layout) {
    const struct = shaderDefinitions(source).structs[name];
    if (!struct) throw new Error(`no struct ${name} in the WGSL source`);
    layout = new RecordLayout(name, struct);
    recordLayouts.set(key, layout);
  }
  return layout;
}
