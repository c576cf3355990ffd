/**
 * Engine tensors (`engine.tensor`): every op × algorithm × build reads one as `input` and writes
 * one as `out` in place, alone or mixed with plain arrays, with the same bits as the plain-array
 * call and the reference (integer data); the views are zero-copy and stay right across memory
 * growth; misuse throws typed errors naming the argument and leaks nothing; and the same on a
 * thread pool's shared memory (these import dist/, see threads.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { load as loadDist } from '../dist/index.js';
import { ArgumentError, DataTypeError, MemoryLimitError, ShapeError, type SimdConvError } from '../bindings/errors.js';
import * as ref from '../bindings/reference/index.js';
import { Heap } from '../bindings/memory.js';
import { EngineTensor } from '../bindings/tensor.js';
import type { Engine, Isa, OutBuffer, Tensor } from '../bindings/types.js';
import { expectSameBits } from './helpers/bits.js';
import { ISAS, forEachEngine } from './helpers/engines.js';
import { expectBitExact, thrown } from './helpers/expect.js';
import {
  AVG_POOL_CASES, CONV1D_CASES, CONV2D_CASES, GLOBAL_POOL_SHAPES, MAX_POOL_CASES, RELU_SHAPES,
  algorithmsFor, conv1dName, conv2dName, fmt, poolName,
} from './helpers/geometry.js';
import { conv1dAlgorithms, conv1dInputs, conv2dInputs, im2colOptions, poolOptions } from './helpers/inputs.js';
import { intData, product, tensor } from './helpers/random.js';

type Out = { out?: OutBuffer };

/** One op on one input: `call` runs it on an engine (input and out as given), `ref` is the oracle. */
interface OpCase {
  name: string;
  x: Tensor;
  call(e: Engine, x: Tensor, o: Out): Tensor | Promise<Tensor>;
  ref(x: Tensor): Tensor;
}

/** Floats checked past an out tensor: a kernel's stray vector store lands within them. */
const GUARD_FLOATS = 32;

/**
 * The heap right after `out` — its block's slack, then a guard tensor allocated after it (it
 * must follow out, else the check would watch the wrong bytes) — set to a NaN with a payload no
 * op produces from finite data.
 */
function guardAfter(e: Engine, out: Tensor, what: string): { check(how: string): void; dispose(): void } {
  const guard = e.tensor([GUARD_FLOATS]);
  const end = out.data.byteOffset + out.data.byteLength;
  expect(guard.data.byteOffset, `${what}: the guard tensor follows out`).toBe(out.data.byteOffset + Heap.footprint(out.data.byteLength));
  const view = () => new Uint32Array(guard.data.buffer, end, (guard.data.byteOffset + guard.data.byteLength - end) / 4);
  view().fill(0x7fc0dead);
  return {
    check(how) {
      const bad = view().findIndex((v) => v !== 0x7fc0dead);
      expect(bad, `${what}: ${how} wrote to byte ${4 * bad} past the end of out`).toBe(-1);
    },
    dispose: () => guard.dispose(),
  };
}

/**
 * The op on plain arrays, then with an input tensor, an out tensor, both, and an input tensor
 * with a Float32Array out: the same bits every time, equal to the reference; the out tensor is
 * what the op returns, and nothing past it is written; the input tensor is left as it was;
 * disposing the tensors gives back every byte.
 */
async function expectResidentModes(e: Engine, c: OpCase): Promise<void> {
  const want = c.ref(c.x);
  const plain = await c.call(e, c.x, {});
  expectBitExact(plain, want, `${c.name}: plain arrays vs reference`);
  const before = e.reservedBytes;
  const xt = e.tensor(c.x.shape, c.x.data);
  const out = e.tensor(want.shape);
  let guard: ReturnType<typeof guardAfter> | undefined;
  try {
    guard = guardAfter(e, out, c.name);
    expectSameBits(await c.call(e, xt, {}), plain, `${c.name}: input tensor`);
    for (const input of [c.x, xt]) {
      out.data.fill(NaN);
      const y = await c.call(e, input, { out });
      expect(y, 'the op returns the out tensor itself').toBe(out);
      const how = input === xt ? 'input and out tensors' : 'plain input, out tensor';
      expectSameBits(out, plain, `${c.name}: ${how}`);
      guard.check(how);
    }
    const array = new Float32Array(want.data.length).fill(NaN);
    const y = await c.call(e, xt, { out: array });
    expect(y.data).toBe(array);
    expectSameBits(y, plain, `${c.name}: input tensor, Float32Array out`);
    expectSameBits(xt, c.x, `${c.name}: the input tensor is unchanged`);
  } finally {
    xt.dispose();
    out.dispose();
    guard?.dispose();
  }
  expect(e.reservedBytes, 'bytes held once the tensors are disposed').toBe(before);
}

function expectError(error: unknown, type: new (...args: never[]) => SimdConvError, argument: string, what: string): SimdConvError {
  expect(error, what).toBeInstanceOf(type);
  expect((error as SimdConvError).argument, what).toBe(argument);
  return error as SimdConvError;
}

// ---------------------------------------------------------------------------------------------
// every op × algorithm, input / out tensors alone and mixed with arrays
// ---------------------------------------------------------------------------------------------

const conv2dCases = CONV2D_CASES.flatMap((c, i) => algorithmsFor(c).map((algorithm): OpCase => {
  const { x, w, options } = conv2dInputs(c, 'int', 20000 + 10 * i);
  return {
    name: `${conv2dName(c)} algo=${algorithm}`, x,
    call: (e, input, o) => e.conv2d(input, w, { ...options, algorithm, ...o }),
    ref: (input) => ref.conv2d(input, w, options),
  };
}));

const conv1dCases = CONV1D_CASES.flatMap((c, i) => conv1dAlgorithms(c).map((algorithm): OpCase => {
  const { x, w, options } = conv1dInputs(c, 'int', 21000 + 10 * i);
  return {
    name: `${conv1dName(c)} algo=${algorithm}`, x,
    call: (e, input, o) => e.conv1d(input, w, { ...options, algorithm, ...o }),
    ref: (input) => ref.conv1d(input, w, options),
  };
}));

const poolCases: OpCase[] = [
  ...MAX_POOL_CASES.map((c, i): OpCase => ({
    name: poolName('maxPool2d', c), x: tensor(c.x, 'int', 22000 + i),
    call: (e, input, o) => e.maxPool2d(input, { ...poolOptions(c), ...o }),
    ref: (input) => ref.maxPool2d(input, poolOptions(c)),
  })),
  ...AVG_POOL_CASES.map((c, i): OpCase => ({
    name: poolName('avgPool2d', c), x: tensor(c.x, 'int', 22100 + i),
    call: (e, input, o) => e.avgPool2d(input, { ...poolOptions(c), ...o }),
    ref: (input) => ref.avgPool2d(input, poolOptions(c)),
  })),
  ...GLOBAL_POOL_SHAPES.map((s, i): OpCase => ({
    name: `globalAvgPool2d x=${fmt(s)}`, x: tensor(s, 'int', 22200 + i),
    call: (e, input, o) => e.globalAvgPool2d(input, o),
    ref: (input) => ref.globalAvgPool2d(input),
  })),
];

const elementwiseCases: OpCase[] = [
  ...RELU_SHAPES.map((s, i): OpCase => ({
    name: `relu x=${fmt(s)}`, x: tensor(s, 'int', 22300 + i),
    call: (e, input, o) => e.relu(input, o),
    ref: (input) => ref.relu(input),
  })),
  ...CONV2D_CASES.filter((c) => (c.g ?? 1) === 1).map((c, i): OpCase => ({
    name: `im2col x=${fmt(c.x)} k=${fmt(c.w.slice(2))} s=${fmt(c.s ?? 1)} p=${fmt(c.p ?? 0)} d=${fmt(c.d ?? 1)}`,
    x: tensor(c.x, 'int', 22400 + i),
    call: (e, input, o) => e.im2col(input, { ...im2colOptions(c), ...o }),
    ref: (input) => ref.im2col(input, im2colOptions(c)),
  })),
];

/** prepared layers (run, runAsync) and engine.run, on a few geometries that take every kernel family */
const PREPARED = [CONV2D_CASES[3]!, CONV2D_CASES[13]!, CONV2D_CASES[19]!, CONV2D_CASES[21]!, CONV2D_CASES[4]!];
const preparedRuns = PREPARED.flatMap((c, i) => algorithmsFor(c).flatMap((algorithm) =>
  (['run', 'runAsync'] as const).map((method) => [`prepareConv2d ${conv2dName(c)} algo=${algorithm} ${method}`, c, algorithm, method, 23000 + 10 * i] as const)));

forEachEngine((isa, engine) => {
  describe('input and out tensors: same bits as arrays and the reference', () => {
    it.each([...conv2dCases, ...conv1dCases].map((c) => [c.name, c] as const))(`%s [${isa}]`, async (_name, c) => {
      await expectResidentModes(await engine(), c);
    });
    it.each([...poolCases, ...elementwiseCases].map((c) => [c.name, c] as const))(`%s [${isa}]`, async (_name, c) => {
      await expectResidentModes(await engine(), c);
    });

    it.each(preparedRuns)(`%s [${isa}]`, async (name, c, algorithm, method, seed) => {
      const e = await engine();
      const { x, w, options } = conv2dInputs(c, 'int', seed);
      const layer = e.prepareConv2d(w, { ...options, algorithm });
      try {
        await expectResidentModes(e, {
          name, x,
          call: (_e, input, o) => layer[method](input, o),
          ref: (input) => ref.conv2d(input, w, options),
        });
      } finally {
        layer.dispose();
      }
    });

    it.each(['conv2d', 'maxPool2d', 'relu'] as const)(`engine.run('%s') [${isa}]`, async (op) => {
      const e = await engine();
      const x = tensor([2, 3, 9, 10], 'int', 23500);
      const w = tensor([4, 3, 3, 3], 'int', 23501);
      const cases: Record<typeof op, OpCase> = {
        conv2d: { name: 'run conv2d', x, call: (en, i, o) => en.run('conv2d', i, w, { padding: 1, ...o }), ref: (i) => ref.conv2d(i, w, { padding: 1 }) },
        maxPool2d: { name: 'run maxPool2d', x, call: (en, i, o) => en.run('maxPool2d', i, { kernelSize: 3, stride: 2, ...o }), ref: (i) => ref.maxPool2d(i, { kernelSize: 3, stride: 2 }) },
        relu: { name: 'run relu', x, call: (en, i, o) => en.run('relu', i, o), ref: (i) => ref.relu(i) },
      };
      await expectResidentModes(e, cases[op]);
    });
  });

  describe('zero copy', () => {
    it(`writes into t.data are what the next op reads; out.data is the result, in place [${isa}]`, async () => {
      const e = await engine();
      const before = e.reservedBytes;
      const shape = [1, 3, 9, 8];
      const opts = { kernelSize: 3, stride: 2, padding: 1 };
      const xt = e.tensor(shape);
      expect(xt.data.every((v) => v === 0), 'a new tensor is zero-filled').toBe(true);
      const values = intData(product(shape), 1);
      xt.data.set(values);
      const want = ref.maxPool2d({ data: values, shape }, opts);
      const out = e.tensor(want.shape);
      expect(e.maxPool2d(xt, { ...opts, out })).toBe(out);
      expectBitExact(out.data, want.data, 'out.data after maxPool2d');
      expect(out.data, 'the same view on every read (no copy)').toBe(out.data);
      expect(out.data.buffer, 'views of the engine memory').toBe(xt.data.buffer);
      // one element changed through the view is seen by the next op
      xt.data[0] = 100;
      e.maxPool2d(xt, { ...opts, out });
      expect(out.data[0]).toBe(100);
      // toArray() is a copy
      const copy = out.toArray();
      expect(copy).not.toBe(out.data);
      expect(copy.buffer).not.toBe(out.data.buffer);
      expectBitExact(copy, out.data, 'toArray()');
      xt.dispose();
      out.dispose();
      expect(e.reservedBytes).toBe(before);
    });

    it(`no copy in or out: ops on tensors as large as the memory's free space do not grow it [${isa}]`, async () => {
      const e = await engine();
      const before = e.reservedBytes;
      // a tensor as large as the whole memory was: every free block is smaller, so a scratch
      // copy of it (or of a result that size) would have to grow the memory
      const probe = e.tensor([1]);
      const floats = Math.floor(probe.data.buffer.byteLength / 4 / 1024) * 1024;
      probe.dispose();
      const shape = [1, 4, floats / 4 / 512, 512];
      const x = { data: intData(floats, 17), shape };
      const xt = e.tensor(shape, x.data);
      const yt = e.tensor([1, 4, shape[2]! / 2, 256]);
      const buffer = xt.data.buffer;
      expect(e.maxPool2d(xt, { kernelSize: 2, out: yt })).toBe(yt);
      expect(e.relu(yt, { out: yt })).toBe(yt);
      expect(e.relu(xt, { out: xt })).toBe(xt);
      expect(xt.data.buffer, 'the memory did not grow').toBe(buffer);
      expectBitExact(yt, ref.relu(ref.maxPool2d(x, { kernelSize: 2 })), 'maxPool2d + relu');
      expectBitExact(xt, ref.relu(x), 'relu in place');
      xt.dispose();
      yt.dispose();
      expect(e.reservedBytes).toBe(before);
    });

    it(`a pipeline of tensors: conv2d → relu in place → maxPool2d → globalAvgPool2d equals the reference chain [${isa}]`, async () => {
      const e = await engine();
      const before = e.reservedBytes;
      const x = tensor([1, 3, 16, 15], 'int', 2);
      const w = tensor([8, 3, 3, 3], 'int', 3);
      const r1 = ref.relu(ref.conv2d(x, w, { padding: 1 }));
      const r2 = ref.maxPool2d(r1, { kernelSize: 2 });
      const r3 = ref.globalAvgPool2d(r2);
      const xt = e.tensor(x.shape, x.data);
      const y1 = e.tensor(r1.shape);
      const y2 = e.tensor(r2.shape);
      const y3 = e.tensor(r3.shape);
      const layer = e.prepareConv2d(w, { padding: 1 });
      layer.run(xt, { out: y1 });
      expect(e.relu(y1, { out: y1 }), 'relu in place returns the tensor').toBe(y1);
      e.maxPool2d(y1, { kernelSize: 2, out: y2 });
      e.globalAvgPool2d(y2, { out: y3 });
      expectBitExact(y1, r1, 'conv2d + relu');
      expectBitExact(y2, r2, 'maxPool2d');
      expectBitExact(y3, r3, 'globalAvgPool2d');
      layer.dispose();
      for (const t of [xt, y1, y2, y3]) t.dispose();
      expect(e.reservedBytes).toBe(before);
    });

    it(`relu(t) leaves t as it was; relu(t, { out: t }) works in place [${isa}]`, async () => {
      const e = await engine();
      const x = tensor([2, 3, 5, 7], 'int', 4);
      const xt = e.tensor(x.shape, x.data);
      expectBitExact(e.relu(xt), ref.relu(x), 'relu(t)');
      expectSameBits(xt, x, 'relu(t) did not touch t');
      expect(e.relu(xt, { out: xt })).toBe(xt);
      expectBitExact(xt, ref.relu(x), 'relu(t, { out: t })');
      xt.dispose();
    });

    it(`the reference takes engine tensors as input and out as well [${isa}]`, async () => {
      const e = await engine();
      const x = tensor([2, 3, 6, 7], 'int', 16);
      const want = ref.avgPool2d(x, { kernelSize: 2, ceilMode: true });
      const xt = e.tensor(x.shape, x.data);
      const out = e.tensor(want.shape);
      expect(ref.avgPool2d(xt, { kernelSize: 2, ceilMode: true, out })).toBe(out);
      expectSameBits(out, want, 'reference avgPool2d on engine tensors');
      expect(ref.relu(xt, { out: xt })).toBe(xt);
      expectSameBits(xt, ref.relu(x), 'reference relu in place on a tensor');
      xt.dispose();
      out.dispose();
    });

    it(`engine.tensor copies its data, keeps its own shape, zero-fills reused blocks [${isa}]`, async () => {
      const e = await engine();
      const before = e.reservedBytes;
      const shape = [2, 3];
      const values = [1, -2, 3.5, 4, 5, 6];
      const a = e.tensor(shape, values);
      shape[0] = 7;
      values[0] = 9;
      expect(a).toBeInstanceOf(EngineTensor);
      expect(a.shape).toEqual([2, 3]);
      expect(a.length).toBe(6);
      expect(Array.from(a.data)).toEqual([1, -2, 3.5, 4, 5, 6]);
      const b = e.tensor([6], Float64Array.from([1, 2, 3, 4, 5, 6]));
      const c = e.tensor([3, 2], a.data); // from another tensor's view
      expect(Array.from(c.data)).toEqual(Array.from(a.data));
      a.dispose();
      const d = e.tensor([2, 3]); // likely a's old block
      expect(Array.from(d.data)).toEqual([0, 0, 0, 0, 0, 0]);
      expect(Array.from(b.data)).toEqual([1, 2, 3, 4, 5, 6]);
      for (const t of [b, c, d]) t.dispose();
      expect(e.reservedBytes).toBe(before);
    });
  });

  describe('memory growth', () => {
    it(`t.data is made again after growth, with the same values; ops on t stay right; an older view is detached [${isa}]`, async () => {
      const e = await engine();
      const before = e.reservedBytes;
      const x = tensor([1, 4, 12, 11], 'int', 5);
      const w = tensor([5, 4, 3, 3], 'int', 6);
      const xt = e.tensor(x.shape, x.data);
      const early = xt.data;
      const bytes = early.buffer.byteLength;
      const big = e.tensor([bytes / 4 + 1]); // cannot fit in the memory as it was
      expect(xt.data.buffer.byteLength).toBeGreaterThan(bytes);
      expect(early.length, 'a view taken before the growth is detached').toBe(0);
      expect(xt.data === early, 'a new view').toBe(false);
      expectSameBits(xt, x, 'values after growth');
      expectBitExact(e.conv2d(xt, w, { padding: 1 }), ref.conv2d(x, w, { padding: 1 }), 'conv2d on t after growth');
      big.dispose();
      xt.dispose();
      expect(e.reservedBytes).toBe(before);
    });

    it(`growth during a call: a tensor weight and a tensor out stay right [${isa}]`, async () => {
      const e = await engine();
      const before = e.reservedBytes;
      const w = tensor([1, 4, 1, 1], 'int', 7);
      const wt = e.tensor(w.shape, w.data);
      const other = e.tensor([3, 5], intData(15, 8));
      // an input of 4 channels (16 bytes a pixel) twice the memory's size: its scratch copy
      // grows the memory in the middle of the call, after the weight tensor was validated
      const bytes = wt.data.buffer.byteLength;
      const shape = [1, 4, Math.ceil(bytes / 8 / 512), 512];
      const x = { data: intData(product(shape), 9), shape };
      expectBitExact(e.conv2d(x, wt), ref.conv2d(x, w), 'an engine tensor as the weight');
      expect(wt.data.buffer.byteLength, 'the call grew the memory').toBeGreaterThan(bytes);
      // the same with two images and an out tensor: the kernels write into it across the growth
      const two = { data: intData(2 * product(shape), 10), shape: [2, ...shape.slice(1)] };
      const want = ref.conv2d(two, w);
      const out = e.tensor(want.shape);
      const grown = out.data.buffer.byteLength;
      expect(e.conv2d(two, wt, { out })).toBe(out);
      expect(out.data.buffer.byteLength, 'this call grew the memory too').toBeGreaterThan(grown);
      expectBitExact(out, want, 'out tensor written across growth');
      expect(Array.from(other.data)).toEqual(Array.from(intData(15, 8)));
      for (const t of [wt, other, out]) t.dispose();
      expect(e.reservedBytes).toBe(before);
    });
  });

  describe('typed results', () => {
    // compiled by `npm run typecheck` (part of npm test): an engine tensor `out` comes back typed
    // as EngineTensor, so dispose() / toArray() need no cast
    it(`an op given an engine tensor out returns it as an EngineTensor [${isa}]`, async () => {
      const e = await engine();
      const before = e.reservedBytes;
      const x = e.tensor([1, 8, 6, 6], intData(288, 3));
      const w = tensor([4, 8, 3, 3], 'int', 4);
      const conv: EngineTensor = e.conv2d(x, w, { padding: 1, out: e.tensor([1, 4, 6, 6]) });
      const pooled: EngineTensor = e.maxPool2d(conv, { kernelSize: 2, out: e.tensor([1, 4, 3, 3]) });
      const relu: EngineTensor = e.relu(conv, { out: e.tensor([1, 4, 6, 6]) });
      const layer = e.prepareConv2d(w, { padding: 1 });
      const again: EngineTensor = layer.run(x, { out: e.tensor([1, 4, 6, 6]) });
      const later: EngineTensor = await layer.runAsync(x, { out: e.tensor([1, 4, 6, 6]) });
      const plain: Tensor = e.conv2d(x, w, { padding: 1 });
      for (const t of [conv, pooled, relu, again, later]) expect(t).toBeInstanceOf(EngineTensor);
      expect(plain).not.toBeInstanceOf(EngineTensor);
      const want = ref.conv2d(x, w, { padding: 1 });
      expectBitExact(conv.toArray(), want.data, 'conv2d into a tensor');
      expectBitExact(pooled.toArray(), ref.maxPool2d(want, { kernelSize: 2 }).data, 'maxPool2d into a tensor');
      expectBitExact(relu.toArray(), ref.relu(want).data, 'relu into a tensor');
      expectBitExact(again.toArray(), want.data, 'prepared run into a tensor');
      expectBitExact(later.toArray(), want.data, 'prepared runAsync into a tensor');
      for (const t of [x, conv, pooled, relu, again, later]) t.dispose();
      layer.dispose();
      expect(e.reservedBytes).toBe(before);
    });
  });

  describe('errors', () => {
    const x = tensor([1, 2, 6, 6], 'int', 11);
    const w = tensor([3, 2, 3, 3], 'int', 12);
    const want = ref.conv2d(x, w, { padding: 1 });

    it(`a disposed tensor as input, weight or out: ArgumentError naming it; the reference agrees [${isa}]`, async () => {
      const e = await engine();
      const before = e.reservedBytes;
      const xt = e.tensor(x.shape, x.data);
      const wt = e.tensor(w.shape, w.data);
      const out = e.tensor(want.shape);
      const layer = e.prepareConv2d(w, { padding: 1 });
      for (const t of [xt, wt, out]) {
        t.dispose();
        t.dispose(); // idempotent
        expect(t.disposed).toBe(true);
      }
      expectError(thrown(() => xt.data), ArgumentError, 'tensor', 'reading data');
      const calls: [string, string, () => unknown, (() => unknown) | null][] = [
        ['conv2d input', 'input', () => e.conv2d(xt, w, { padding: 1 }), () => ref.conv2d(xt, w, { padding: 1 })],
        ['conv2d weight', 'weight', () => e.conv2d(x, wt, { padding: 1 }), () => ref.conv2d(x, wt, { padding: 1 })],
        ['conv2d out', 'options.out', () => e.conv2d(x, w, { padding: 1, out }), () => ref.conv2d(x, w, { padding: 1, out })],
        ['prepared run input', 'input', () => layer.run(xt), null],
        ['prepared run out', 'options.out', () => layer.run(x, { out }), null],
        ['maxPool2d input', 'input', () => e.maxPool2d(xt, { kernelSize: 2 }), () => ref.maxPool2d(xt, { kernelSize: 2 })],
        ['relu input', 'input', () => e.relu(xt), () => ref.relu(xt)],
        ['relu out', 'options.out', () => e.relu(want, { out }), () => ref.relu(want, { out })],
        ['im2col input', 'input', () => e.im2col(xt, { kernelSize: 2 }), () => ref.im2col(xt, { kernelSize: 2 })],
      ];
      for (const [what, argument, call, refCall] of calls) {
        const error = expectError(thrown(call), ArgumentError, argument, what);
        expect(error.message, what).toMatch(/not been disposed/);
        if (refCall) expect((thrown(refCall) as Error).message, `${what}: the reference's message`).toBe(error.message);
      }
      expectError(await e.run('conv2d', xt, w).catch((err: unknown) => err), ArgumentError, 'input', 'engine.run');
      expectError(await layer.runAsync(x, { out }).catch((err: unknown) => err), ArgumentError, 'options.out', 'runAsync');
      expectBitExact(layer.run(x), want, 'the layer after the errors');
      layer.dispose();
      expect(e.reservedBytes).toBe(before);
      expectBitExact(e.conv2d(x, w, { padding: 1 }), want, 'the engine after the errors');
    });

    it(`a tensor of another engine as input or out: ArgumentError; as a weight it is only data [${isa}]`, async () => {
      const e = await engine();
      const before = e.reservedBytes;
      const { load } = await import('../bindings/index.js');
      const other = await load({ isa });
      const xo = other.tensor(x.shape, x.data);
      const wo = other.tensor(w.shape, w.data);
      const outo = other.tensor(want.shape);
      const layer = e.prepareConv2d(w, { padding: 1 });
      const withLayer = e.reservedBytes;
      try {
        const calls: [string, string, () => unknown][] = [
          ['conv2d input', 'input', () => e.conv2d(xo, w, { padding: 1 })],
          ['conv2d out', 'options.out', () => e.conv2d(x, w, { padding: 1, out: outo })],
          ['prepared run input', 'input', () => layer.run(xo)],
          ['prepared run out', 'options.out', () => layer.run(x, { out: outo })],
          ['avgPool2d input', 'input', () => e.avgPool2d(xo, { kernelSize: 2 })],
          ['globalAvgPool2d input', 'input', () => e.globalAvgPool2d(xo)],
          ['relu input', 'input', () => e.relu(xo)],
        ];
        for (const [what, argument, call] of calls) {
          expect(expectError(thrown(call), ArgumentError, argument, what).message, what).toMatch(/another engine/);
        }
        expectBitExact(e.conv2d(x, wo, { padding: 1 }), want, 'another engine\'s tensor as the weight');
        expect(e.reservedBytes).toBe(withLayer);
      } finally {
        layer.dispose();
        other.dispose();
      }
      expect(xo.disposed && wo.disposed && outo.disposed, 'engine.dispose() disposes its tensors').toBe(true);
      expect((other as unknown as { reservedBytes: number }).reservedBytes, 'a disposed engine holds nothing').toBe(0);
      expect(e.reservedBytes).toBe(before);
    });

    it(`engine.tensor: bad shape or data throw typed errors naming them [${isa}]`, async () => {
      const e = await engine();
      const before = e.reservedBytes;
      const bad: [unknown, unknown, new (...args: never[]) => SimdConvError, string][] = [
        [[], undefined, ShapeError, 'shape'],
        [[0], undefined, ShapeError, 'shape'],
        [[2, 1.5], undefined, ShapeError, 'shape'],
        [[2, -1], undefined, ShapeError, 'shape'],
        ['2', undefined, ShapeError, 'shape'],
        [null, undefined, ShapeError, 'shape'],
        [[2, 3], [1, 2, 3], ShapeError, 'data'],
        [[2], new Float32Array(3), ShapeError, 'data'],
        [[3], 5, DataTypeError, 'data'],
        [[3], 'abc', DataTypeError, 'data'],
        [[3], null, DataTypeError, 'data'],
        [[2 ** 31], undefined, MemoryLimitError, 'shape'], // more floats than wasm32 can address
        [[2 ** 29], undefined, MemoryLimitError, 'shape'], // 2 GiB: beyond the engine's memory limit
      ];
      for (const [shape, data, type, argument] of bad) {
        const what = `tensor(${fmt(shape)}, ${fmt(data)})`;
        const error = expectError(thrown(() => e.tensor(shape as number[], data as number[])), type, argument, what);
        expect(error.op, what).toBe('tensor');
      }
      expect((thrown(() => e.tensor([2, 3], [1, 2, 3])) as Error).message).toBe(
        'tensor: data must be an array-like of length 6 (the product of shape [2, 3]) (got length 3)');
      expect(e.reservedBytes).toBe(before);
      const t = e.tensor([2, 3], [1, 2, 3, 4, 5, 6]);
      expect(Array.from(e.relu(t).data)).toEqual([1, 2, 3, 4, 5, 6]);
      t.dispose();
    });

    it(`out the same tensor as the input: ArgumentError for every op but relu [${isa}]`, async () => {
      const e = await engine();
      const before = e.reservedBytes;
      const shape = [1, 4, 5, 5];
      const xs = tensor(shape, 'int', 13);
      const xt = e.tensor(shape, xs.data);
      const sq = tensor([4, 4, 3, 3], 'int', 14);
      const layer = e.prepareConv2d(sq, { padding: 1 });
      const g = e.tensor([1, 4, 1, 1], [1, 2, 3, 4]);
      const l = e.tensor([1, 4, 25], xs.data);
      const calls: [string, () => unknown][] = [
        ['conv2d', () => e.conv2d(xt, sq, { padding: 1, out: xt })],
        ['conv2d depthwise', () => e.conv2d(xt, tensor([4, 1, 3, 3], 'int', 15), { padding: 1, groups: 4, out: xt })],
        ['conv1d', () => e.conv1d(l, tensor([4, 4, 1], 'int', 16), { out: l })],
        ['prepared run', () => layer.run(xt, { out: xt })],
        ['maxPool2d', () => e.maxPool2d(xt, { kernelSize: 1, out: xt })],
        ['avgPool2d', () => e.avgPool2d(xt, { kernelSize: 3, stride: 1, padding: 1, out: xt })],
        ['globalAvgPool2d', () => e.globalAvgPool2d(g, { out: g })],
        ['im2col', () => e.im2col(xt, { kernelSize: 1, out: xt })],
        ['a Float32Array view of the input as out', () => e.conv2d(xt, sq, { padding: 1, out: xt.data })],
      ];
      for (const [what, call] of calls) {
        expect(expectError(thrown(call), ArgumentError, 'options.out', what).message, what).toMatch(/does not overlap the inputs/);
      }
      expectError(await e.run('maxPool2d', xt, { kernelSize: 1, out: xt }).catch((err: unknown) => err), ArgumentError, 'options.out', 'engine.run');
      expectSameBits(xt, xs, 'the input is untouched by the refused calls');
      expect(e.relu(xt, { out: xt })).toBe(xt);
      expectBitExact(xt, ref.relu(xs), 'relu in place');
      layer.dispose();
      for (const t of [xt, g, l]) t.dispose();
      expect(e.reservedBytes).toBe(before);
    });

    it(`an out of the wrong size: ShapeError naming options.out and the expected length [${isa}]`, async () => {
      const e = await engine();
      const before = e.reservedBytes;
      const n = want.data.length;
      for (const length of [n - 1, n + 1]) {
        const out = e.tensor([length]);
        const error = expectError(thrown(() => e.conv2d(x, w, { padding: 1, out })), ShapeError, 'options.out', `length ${length}`);
        expect(error.message).toContain(`of length ${n} (the output shape [1, 3, 6, 6])`);
        expect((thrown(() => ref.conv2d(x, w, { padding: 1, out })) as Error).message).toBe(error.message);
        expectError(thrown(() => e.relu(x, { out })), ShapeError, 'options.out', `relu, length ${length}`);
        out.dispose();
      }
      // same count, other shape: accepted, and the tensor keeps its shape
      const flat = e.tensor([n]);
      expect(e.conv2d(x, w, { padding: 1, out: flat })).toBe(flat);
      expect(flat.shape).toEqual([n]);
      expectBitExact(flat.data, want.data, 'a flat out tensor');
      flat.dispose();
      expect(e.reservedBytes).toBe(before);
      expectBitExact(e.conv2d(x, w, { padding: 1 }), want, 'the engine after the errors');
    });

    it(`after engine.dispose(): tensors are disposed, engine.tensor() throws [${isa}]`, async () => {
      const { load } = await import('../bindings/index.js');
      const e = await load({ isa });
      const t = e.tensor([4], [1, -1, 2, -2]);
      const layer = e.prepareConv2d(w);
      expect(e.reservedBytes).toBeGreaterThan(0);
      e.dispose();
      expect(t.disposed).toBe(true);
      expect(e.reservedBytes).toBe(0);
      expectError(thrown(() => e.tensor([1])), ArgumentError, 'engine', 'tensor() on a disposed engine');
      layer.dispose();
    });
  });
});

// ---------------------------------------------------------------------------------------------
// threads: shared memory
// ---------------------------------------------------------------------------------------------

describe.each(ISAS)('engine tensors on a thread pool isa=%s', (isa: Isa) => {
  it('conv2d, maxPool2d and a prepared layer, sync and engine.run: the bits of threads: 1', async () => {
    const one = await loadDist({ isa });
    const two = await loadDist({ isa, threads: 2, _minWorkPerThread: 0 } as never);
    try {
      const x = tensor([2, 8, 13, 11], 'normal', 30);
      const w = tensor([16, 8, 3, 3], 'normal', 31);
      const bias = tensor([16], 'normal', 32).data;
      const opts = { padding: 1, bias };
      const pool = { kernelSize: 3, stride: 2, padding: 1 };
      const conv = one.conv2d(x, w, opts);
      const pooled = one.maxPool2d(x, pool);
      const before = two.reservedBytes;
      const xt = two.tensor(x.shape, x.data);
      const yt = two.tensor(conv.shape);
      const pt = two.tensor(pooled.shape);
      const layer = two.prepareConv2d(w, opts);
      const runs: [string, () => Tensor | Promise<Tensor>, Tensor | null, Tensor][] = [
        ['conv2d(input tensor)', () => two.conv2d(xt, w, opts), null, conv],
        ['conv2d(input tensor, out tensor)', () => two.conv2d(xt, w, { ...opts, out: yt }), yt, conv],
        ["run('conv2d', input tensor, out tensor)", () => two.run('conv2d', xt, w, { ...opts, out: yt }), yt, conv],
        ['layer.run(input tensor, out tensor)', () => layer.run(xt, { out: yt }), yt, conv],
        ['layer.runAsync(input tensor, out tensor)', () => layer.runAsync(xt, { out: yt }), yt, conv],
        ['maxPool2d(input tensor)', () => two.maxPool2d(xt, pool), null, pooled],
        ['maxPool2d(input tensor, out tensor)', () => two.maxPool2d(xt, { ...pool, out: pt }), pt, pooled],
        ["run('maxPool2d', input tensor, out tensor)", () => two.run('maxPool2d', xt, { ...pool, out: pt }), pt, pooled],
      ];
      for (const [what, call, out, expected] of runs) {
        out?.data.fill(NaN);
        const y = await call();
        if (out) expect(y, what).toBe(out);
        expectSameBits(y, expected, `threads: 2 ${what}`);
        expect(two.lastCall!.threads, what).toBe(2);
      }
      // growth of a shared memory: a new, longer buffer; older views keep working at their old length
      const early = xt.data;
      const big = two.tensor([early.buffer.byteLength / 4 + 1]);
      expect(xt.data.buffer.byteLength).toBeGreaterThan(early.buffer.byteLength);
      expect(xt.data === early, 'a new view').toBe(false);
      expect(early.length).toBe(x.data.length);
      expectSameBits(two.conv2d(xt, w, { ...opts, out: yt }), conv, 'threads: 2 after growth');
      big.dispose();
      layer.dispose();
      for (const t of [xt, yt, pt]) t.dispose();
      expect(two.reservedBytes).toBe(before);
    } finally {
      one.dispose();
      two.dispose();
    }
  });
});

describe('engine tensors in async calls on the workers (a browser main thread)', () => {
  it('a tensor disposed while its call is in flight keeps its block until the call is done', async () => {
    const one = await loadDist({ isa: 'simd' });
    const e = await loadDist({ isa: 'simd', threads: 2, _minWorkPerThread: 0, _hostCanBlock: false } as never);
    try {
      const x = tensor([1, 8, 20, 20], 'normal', 40);
      const w = tensor([8, 8, 3, 3], 'normal', 41);
      const want = one.conv2d(x, w, { padding: 1 });
      const before = e.reservedBytes;
      const xt = e.tensor(x.shape, x.data);
      const yt = e.tensor(want.shape);
      const pending = e.run('conv2d', xt, w, { padding: 1, out: yt });
      const during = e.reservedBytes; // the tensors and the call's scratch
      xt.dispose();
      expect(xt.disposed).toBe(true);
      expect(e.reservedBytes, 'the input block is still held by the call').toBe(during);
      const y = await pending;
      expect(y).toBe(yt);
      expect(e.lastCall!.threads).toBe(2);
      expectSameBits(yt, want, 'async on the workers');
      expect(e.reservedBytes, 'the input block is freed when the call is done').toBe(before + Heap.footprint(yt.length * 4));
      yt.dispose();
      expect(e.reservedBytes).toBe(before);
    } finally {
      one.dispose();
      e.dispose();
    }
  });
});
