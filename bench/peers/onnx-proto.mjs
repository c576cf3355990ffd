// Minimal protobuf encoder for the handful of ONNX messages a one-node model needs
// (ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto, ValueInfoProto).
// Field numbers follow onnx/onnx.proto. Only what the benchmark uses is implemented:
// float tensors (raw_data), int / ints / float / string attributes, static shapes.

const WIRE_VARINT = 0;
const WIRE_I32 = 5;
const WIRE_LEN = 2;

/** ONNX TensorProto.DataType.FLOAT */
export const FLOAT = 1;

/** AttributeProto.AttributeType */
const ATTR = { FLOAT: 1, INT: 2, STRING: 3, INTS: 7 };

const textEncoder = new TextEncoder();

/** Growable byte writer. */
class Writer {
  constructor() {
    /** @type {Uint8Array} */
    this.buf = new Uint8Array(256);
    this.len = 0;
  }
  /** @param {number} n */
  reserve(n) {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }
  /** @param {number} b */
  byte(b) {
    this.reserve(1);
    this.buf[this.len++] = b;
  }
  /** Unsigned or non-negative varint; negatives are written as 10-byte two's complement (int64). @param {number | bigint} v */
  varint(v) {
    let x = BigInt.asUintN(64, BigInt(v));
    do {
      let b = Number(x & 0x7fn);
      x >>= 7n;
      if (x !== 0n) b |= 0x80;
      this.byte(b);
    } while (x !== 0n);
  }
  /** @param {number} field @param {number} wire */
  tag(field, wire) {
    this.varint((field << 3) | wire);
  }
  /** @param {Uint8Array} bytes */
  raw(bytes) {
    this.reserve(bytes.length);
    this.buf.set(bytes, this.len);
    this.len += bytes.length;
  }
  /** @param {number} field @param {Uint8Array} bytes */
  bytes(field, bytes) {
    this.tag(field, WIRE_LEN);
    this.varint(bytes.length);
    this.raw(bytes);
  }
  /** @param {number} field @param {string} s */
  string(field, s) {
    this.bytes(field, textEncoder.encode(s));
  }
  /** @param {number} field @param {number | bigint} v */
  int(field, v) {
    this.tag(field, WIRE_VARINT);
    this.varint(v);
  }
  /** @param {number} field @param {number} v */
  float(field, v) {
    this.tag(field, WIRE_I32);
    this.reserve(4);
    new DataView(this.buf.buffer).setFloat32(this.len, v, true);
    this.len += 4;
  }
  /** Packed repeated int64. @param {number} field @param {number[]} values */
  packedInts(field, values) {
    const inner = new Writer();
    for (const v of values) inner.varint(v);
    this.bytes(field, inner.finish());
  }
  /** @param {number} field @param {(w: Writer) => void} build */
  message(field, build) {
    const inner = new Writer();
    build(inner);
    this.bytes(field, inner.finish());
  }
  finish() {
    return this.buf.slice(0, this.len);
  }
}

/**
 * @typedef {number | number[] | string | { float: number }} AttrValue
 *   integer → INT, array → INTS, string → STRING, { float } → FLOAT
 */

/** @param {Writer} w @param {string} name @param {AttrValue} value */
function writeAttribute(w, name, value) {
  w.string(1, name);
  if (Array.isArray(value)) {
    w.packedInts(8, value);
    w.int(20, ATTR.INTS);
  } else if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new TypeError(`attribute ${name}: use { float } for non-integers`);
    w.int(3, value);
    w.int(20, ATTR.INT);
  } else if (typeof value === 'string') {
    w.string(4, value);
    w.int(20, ATTR.STRING);
  } else {
    w.float(2, value.float);
    w.int(20, ATTR.FLOAT);
  }
}

/**
 * @typedef {object} NodeSpec
 * @property {string} opType
 * @property {string[]} inputs
 * @property {string[]} outputs
 * @property {Record<string, AttrValue>} [attributes]
 * @property {string} [name]
 */

/** @param {Writer} w @param {NodeSpec} node */
function writeNode(w, node) {
  for (const i of node.inputs) w.string(1, i);
  for (const o of node.outputs) w.string(2, o);
  if (node.name) w.string(3, node.name);
  w.string(4, node.opType);
  for (const [k, v] of Object.entries(node.attributes ?? {})) {
    if (v === undefined) continue;
    w.message(5, (a) => writeAttribute(a, k, v));
  }
}

/** @param {Writer} w @param {string} name @param {number[]} dims @param {Float32Array} data */
function writeTensor(w, name, dims, data) {
  w.packedInts(1, dims);
  w.int(2, FLOAT);
  w.string(8, name);
  w.bytes(9, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
}

/** ValueInfoProto { name, type: TypeProto { tensor_type: { elem_type, shape { dim { dim_value } } } } }
 * @param {Writer} w @param {string} name @param {number[]} dims */
function writeValueInfo(w, name, dims) {
  w.string(1, name);
  w.message(2, (type) =>
    type.message(1, (tensorType) => {
      tensorType.int(1, FLOAT);
      tensorType.message(2, (shape) => {
        for (const d of dims) shape.message(1, (dim) => dim.int(1, d));
      });
    }),
  );
}

/**
 * @typedef {object} GraphSpec
 * @property {NodeSpec[]} nodes
 * @property {{ name: string, dims: number[] }[]} inputs
 * @property {{ name: string, dims: number[] }[]} outputs
 * @property {{ name: string, dims: number[], data: Float32Array }[]} [initializers]
 * @property {string} [name]
 * @property {number} [opset]  default 17
 * @property {number} [irVersion]  default 8
 */

/**
 * Serialises a ModelProto with one graph.
 * @param {GraphSpec} spec
 * @returns {Uint8Array}
 */
export function encodeModel(spec) {
  const w = new Writer();
  w.int(1, spec.irVersion ?? 8); // ir_version
  w.string(2, 'simdconv-bench'); // producer_name
  w.message(7, (g) => {
    for (const n of spec.nodes) g.message(1, (nw) => writeNode(nw, n));
    g.string(2, spec.name ?? 'g');
    for (const t of spec.initializers ?? []) g.message(5, (tw) => writeTensor(tw, t.name, t.dims, t.data));
    for (const i of spec.inputs) g.message(11, (vw) => writeValueInfo(vw, i.name, i.dims));
    for (const o of spec.outputs) g.message(12, (vw) => writeValueInfo(vw, o.name, o.dims));
  });
  w.message(8, (o) => {
    o.string(1, ''); // default domain (ai.onnx)
    o.int(2, spec.opset ?? 17);
  });
  return w.finish();
}
