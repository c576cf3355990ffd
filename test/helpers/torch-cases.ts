/**
 * ../shared/torch-cases.json: outputs of PyTorch's torch.nn.functional ops (float32, CPU) for
 * conv2d, conv1d, max/avg pooling and global average pooling, as little-endian base64 float32.
 * The file sits beside the repository (CI checks it out at ../shared); SIMDCONV_TORCH_CASES
 * overrides the path.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AvgPool2dOptions, Conv1dOptions, Conv2dOptions, MaxPool2dOptions, Tensor } from '../../bindings/types.js';
import { fmt } from './geometry.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** test/helpers → repository root → its sibling shared/ */
export const TORCH_CASES_PATH = process.env.SIMDCONV_TORCH_CASES ?? path.resolve(here, '../../../shared/torch-cases.json');

interface RawTensor {
  shape: number[];
  data: string;
}

export interface RawTorchCase {
  op: string;
  exact: boolean;
  edge?: string;
  opts: Record<string, unknown>;
  inputs: Record<string, RawTensor | null>;
  output: RawTensor;
}

export type TorchCase =
  | (Common & { op: 'conv2d'; weight: Tensor; options: Conv2dOptions })
  | (Common & { op: 'conv1d'; weight: Tensor; options: Conv1dOptions })
  | (Common & { op: 'maxPool2d'; options: MaxPool2dOptions })
  | (Common & { op: 'avgPool2d'; options: AvgPool2dOptions })
  | (Common & { op: 'globalAvgPool2d'; options: Record<string, never> });

interface Common {
  index: number;
  /** integer-valued data: every implementation must match PyTorch bit for bit */
  exact: boolean;
  edge: string | undefined;
  input: Tensor;
  output: Tensor;
  /** geometry, for test names */
  name: string;
}

/** base64 little-endian float32 → Float32Array (endian-independent). */
export function decodeFloat32(base64: string): Float32Array {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length % 4 !== 0) throw new Error(`torch-cases: ${bytes.length} bytes is not a whole number of float32`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(bytes.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(4 * i, true);
  return out;
}

function decodeTensor(raw: RawTensor, what: string): Tensor {
  const data = decodeFloat32(raw.data);
  const size = raw.shape.reduce((a, b) => a * b, 1);
  if (data.length !== size) throw new Error(`torch-cases: ${what} has ${data.length} values for shape [${raw.shape}]`);
  return { data, shape: [...raw.shape] };
}

export function decodeTorchCase(raw: RawTorchCase, index: number): TorchCase {
  const input = decodeTensor(raw.inputs.input!, `case ${index} input`);
  const output = decodeTensor(raw.output, `case ${index} output`);
  const common = { index, exact: raw.exact, edge: raw.edge, input, output };
  const o = raw.opts;
  const tag = `#${index} ${raw.op}`;
  const tail = `${raw.exact ? 'exact' : 'random'}${raw.edge ? ` edge=${raw.edge}` : ''}`;
  switch (raw.op) {
    case 'conv2d':
    case 'conv1d': {
      const weight = decodeTensor(raw.inputs.weight!, `case ${index} weight`);
      const bias = raw.inputs.bias ? decodeTensor(raw.inputs.bias, `case ${index} bias`).data : null;
      const options = { stride: o.stride, padding: o.padding, dilation: o.dilation, groups: o.groups, bias };
      const name =
        `${tag} x=${fmt(input.shape)} w=${fmt(weight.shape)} s=${fmt(o.stride)} p=${fmt(o.padding)} ` +
        `d=${fmt(o.dilation)} g=${fmt(o.groups)}${bias ? ' bias' : ''} ${tail}`;
      return raw.op === 'conv2d'
        ? { ...common, op: 'conv2d', weight, options: options as Conv2dOptions, name }
        : { ...common, op: 'conv1d', weight, options: options as Conv1dOptions, name };
    }
    case 'maxPool2d': {
      const name = `${tag} x=${fmt(input.shape)} k=${fmt(o.kernelSize)} s=${fmt(o.stride)} p=${fmt(o.padding)} d=${fmt(o.dilation)} ceil=${o.ceilMode} ${tail}`;
      return { ...common, op: 'maxPool2d', options: { ...o } as unknown as MaxPool2dOptions, name };
    }
    case 'avgPool2d': {
      const name = `${tag} x=${fmt(input.shape)} k=${fmt(o.kernelSize)} s=${fmt(o.stride)} p=${fmt(o.padding)} ceil=${o.ceilMode} countIncludePad=${o.countIncludePad} ${tail}`;
      return { ...common, op: 'avgPool2d', options: { ...o } as unknown as AvgPool2dOptions, name };
    }
    case 'globalAvgPool2d':
      return { ...common, op: 'globalAvgPool2d', options: {}, name: `${tag} x=${fmt(input.shape)} ${tail}` };
    default:
      throw new Error(`torch-cases: unknown op '${raw.op}' in case ${index}`);
  }
}

export function loadTorchCases(file = TORCH_CASES_PATH): TorchCase[] {
  const json = JSON.parse(readFileSync(file, 'utf8')) as { meta?: { count?: number }; cases: RawTorchCase[] };
  if (json.meta?.count !== undefined && json.meta.count !== json.cases.length) {
    throw new Error(`torch-cases: meta.count ${json.meta.count} but ${json.cases.length} cases`);
  }
  return json.cases.map(decodeTorchCase);
}
