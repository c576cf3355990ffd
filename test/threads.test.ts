/**
 * Threads: every op and algorithm on 2 and 3 threads (more threads than this machine's cores
 * must work too) gives the same bits as threads: 1, on integer and on N(0,1) data, with awkward
 * shapes (fewer output rows than threads, 1 channel, batch > 1, groups, strides, ceil mode).
 *
 * These import the compiled package (dist/, kept fresh by test/helpers/build-dist.ts) because
 * the workers load dist/threads/worker.js. The threaded engines are loaded with the test hook
 * `_minWorkPerThread: 0` so that even these small shapes are split as far as they go; one test
 * checks the default threshold on real layer sizes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { load } from '../dist/index.js';
import type { Engine, Isa, Tensor } from '../dist/index.js';
import { expectSameBits } from './helpers/bits.js';
import { fmt } from './helpers/geometry.js';
import { tensor, type Tier } from './helpers/random.js';

const ISAS: Isa[] = ['simd', 'relaxed'];
const TIERS: Tier[] = ['int', 'normal'];
const THREADS = [2, 3];

type Conv2dCase = { x: number[]; w: number[]; opts: Record<string, unknown> };
type Conv1dCase = Conv2dCase;

// algorithm → cases; every split path of jobs.ts is taken by at least one
const CONV2D: Conv2dCase[] = [
  // direct, row split; batch 3 with padding (per-image pad · barrier · compute)
  { x: [3, 3, 13, 11], w: [8, 3, 3, 3], opts: { padding: 1, algorithm: 'direct' } },
  // direct, channel split (more 4-channel blocks than output rows); outH = 1 < threads
  { x: [1, 5, 3, 17], w: [20, 5, 3, 3], opts: { algorithm: 'direct' } },
  // direct, stride 2 phase split, dilation, groups, relu6
  { x: [2, 4, 15, 16], w: [6, 2, 3, 2], opts: { stride: 2, padding: [1, 2], dilation: [2, 1], groups: 2, activation: 'relu6', algorithm: 'direct' } },
  // direct without padding (reads the input in place), 1 input channel
  { x: [2, 1, 9, 12], w: [5, 1, 4, 4], opts: { algorithm: 'direct' } },
  // winograd: 2×2 tile rows over threads, each with its own V and M (odd sizes, a batch, ReLU)
  { x: [2, 9, 13, 11], w: [8, 9, 3, 3], opts: { padding: 1, activation: 'relu', algorithm: 'winograd' } },
  { x: [1, 16, 5, 30], w: [5, 16, 3, 3], opts: { padding: [0, 1], algorithm: 'winograd' } },
  // … 4-channel blocks when the tile rows split unevenly (7 rows; 9 blocks, the last partial), dilated too
  { x: [1, 8, 13, 9], w: [35, 8, 3, 3], opts: { padding: 1, algorithm: 'winograd' } },
  { x: [1, 8, 11, 10], w: [33, 8, 3, 3], opts: { padding: 2, dilation: 2, activation: 'relu6', algorithm: 'winograd' } },
  // … stride 2 (polyphase): tile rows, then (7 rows, 9 blocks) 4-channel blocks, a batch
  { x: [2, 16, 19, 23], w: [8, 16, 3, 3], opts: { stride: 2, padding: 1, activation: 'relu', algorithm: 'winograd' } },
  { x: [1, 8, 27, 9], w: [35, 8, 3, 3], opts: { stride: 2, padding: 1, algorithm: 'winograd' } },
  // im2col: column tiles over images × groups, one panel per thread
  { x: [2, 4, 10, 9], w: [6, 2, 3, 3], opts: { padding: 'same', groups: 2, algorithm: 'im2col' } },
  { x: [1, 3, 2, 30], w: [7, 3, 2, 3], opts: { stride: [1, 2], algorithm: 'im2col' } },
  // pointwise: column split, then channel split (more blocks than tiles)
  { x: [2, 6, 7, 9], w: [10, 6, 1, 1], opts: { algorithm: 'pointwise' } },
  { x: [1, 8, 2, 3], w: [40, 8, 1, 1], opts: { activation: 'relu' } },
  // … a 4-column tail (12 = 8 + 4) run pixel by pixel, split over channels and over columns
  { x: [1, 8, 3, 4], w: [40, 8, 1, 1], opts: { algorithm: 'pointwise' } },
  { x: [2, 8, 5, 5], w: [12, 8, 1, 1], opts: { stride: 2, activation: 'relu6', algorithm: 'im2col' } },
  // … 7 × 7 over copied panels (bindings/plan.ts pointwiseCopies), split over channels (11
  // blocks > 7 tiles: each thread builds the whole panel), and in place (5 blocks, split over columns)
  { x: [1, 232, 7, 7], w: [44, 232, 1, 1], opts: { activation: 'relu6' } },
  { x: [2, 232, 7, 7], w: [20, 232, 1, 1], opts: { algorithm: 'pointwise' } },
  // … copied panels split over columns (4 blocks < 128 tiles), each thread its own panel
  { x: [1, 16, 32, 32], w: [16, 16, 1, 1], opts: { activation: 'relu' } },
  // depthwise: output-channel split; multiplier 2; 1 channel (nothing to split); batch
  { x: [2, 6, 11, 13], w: [6, 1, 3, 3], opts: { groups: 6, padding: 1 } },
  // … stride-1 3×3 on a plane past 32 × 32 (the row form; smaller ones run 4 channels at a time,
  // split in 4-channel groups: 6 = 4 + 2 above, 9 = 4 + 4 + 1 with multiplier 3 below)
  { x: [1, 5, 33, 35], w: [5, 1, 3, 3], opts: { groups: 5, padding: 1, activation: 'relu' } },
  { x: [1, 3, 8, 9], w: [9, 1, 3, 3], opts: { groups: 3, padding: [1, 0], algorithm: 'depthwise' } },
  { x: [1, 3, 9, 8], w: [6, 1, 3, 3], opts: { groups: 3, stride: 2, padding: 1, algorithm: 'depthwise' } },
  // … stride 2 on a plane past 12 × 12 with an even width (the row form; the one above runs 4 channels at a time)
  { x: [1, 5, 16, 18], w: [5, 1, 3, 3], opts: { groups: 5, stride: 2, padding: 1, activation: 'relu6' } },
  { x: [3, 1, 7, 7], w: [1, 1, 3, 3], opts: { padding: 1, algorithm: 'depthwise' } },
  { x: [3, 1, 7, 7], w: [1, 1, 3, 3], opts: { padding: 1 } },
  { x: [1, 4, 6, 20], w: [4, 1, 5, 3], opts: { groups: 4, dilation: [1, 2] } },
  // … 5×5 at stride 1: the generic kernel's walk along kernel rows, split over channels
  { x: [1, 6, 13, 21], w: [6, 1, 5, 5], opts: { groups: 6, padding: 2, activation: 'relu6' } },
];

const CONV1D: Conv1dCase[] = [
  { x: [2, 4, 37], w: [6, 4, 5], opts: { padding: 2 } },
  { x: [1, 3, 50], w: [9, 3, 4], opts: { stride: 2, dilation: 2, algorithm: 'im2col' } },
  { x: [3, 5, 16], w: [5, 1, 3], opts: { groups: 5, padding: 'same' } },
];

function seeded(shape: number[], tier: Tier, seed: number): Tensor {
  return tensor(shape, tier, seed);
}

describe.each(ISAS)('threads isa=%s', (isa) => {
  let one: Engine;
  const many = new Map<number, Engine>();

  beforeAll(async () => {
    one = await load({ isa, threads: 1 });
    for (const n of THREADS) many.set(n, await load({ isa, threads: n, _minWorkPerThread: 0 } as never));
  });

  afterAll(() => {
    one?.dispose();
    for (const e of many.values()) e.dispose();
  });

  it('engines report their threads', () => {
    expect(one.threads).toBe(1);
    expect(one.threadsReason).toMatch(/threads: 1/);
    for (const [n, e] of many) {
      expect(e.threads).toBe(n);
      expect(e.threadsReason).toBe(`threads: ${n} requested`);
    }
  });

  describe.each(TIERS)('%s data', (tier) => {
    for (const [i, c] of CONV2D.entries()) {
      it(`conv2d x=${fmt(c.x)} w=${fmt(c.w)} ${fmt(c.opts)}`, () => {
        const x = seeded(c.x, tier, 100 + i);
        const w = seeded(c.w, tier, 200 + i);
        const bias = seeded([c.w[0]!], tier, 300 + i).data;
        const want = one.conv2d(x, w, { ...c.opts, bias });
        for (const [n, e] of many) {
          expectSameBits(e.conv2d(x, w, { ...c.opts, bias }), want, `threads: ${n}`);
          expect(e.lastCall!.algorithm).toBe(one.lastCall!.algorithm);
        }
      });
    }

    for (const [i, c] of CONV1D.entries()) {
      it(`conv1d x=${fmt(c.x)} w=${fmt(c.w)} ${fmt(c.opts)}`, () => {
        const x = seeded(c.x, tier, 400 + i);
        const w = seeded(c.w, tier, 500 + i);
        const want = one.conv1d(x, w, c.opts);
        for (const [n, e] of many) expectSameBits(e.conv1d(x, w, c.opts), want, `threads: ${n}`);
      });
    }

    it('pooling, relu, im2col', () => {
      const x = seeded([2, 3, 11, 10], tier, 600);
      const calls: [string, (e: Engine) => Tensor][] = [
        ['maxPool2d 2x2/2', (e) => e.maxPool2d(x, { kernelSize: 2 })],
        ['maxPool2d 3x3/2 p1 ceil d', (e) => e.maxPool2d(x, { kernelSize: 3, stride: 2, padding: 1, ceilMode: true })],
        ['maxPool2d 2x3 d2', (e) => e.maxPool2d(x, { kernelSize: [2, 3], stride: 1, dilation: 2 })],
        ['maxPool2d 3x3/1 p1', (e) => e.maxPool2d(x, { kernelSize: 3, stride: 1, padding: 1 })],
        ['maxPool2d 5x5/1 p2', (e) => e.maxPool2d(x, { kernelSize: 5, stride: 1, padding: 2 })],
        ['avgPool2d 3x3/2 p1 no pad count', (e) => e.avgPool2d(x, { kernelSize: 3, stride: 2, padding: 1, countIncludePad: false })],
        ['avgPool2d 3x3/1 p1', (e) => e.avgPool2d(x, { kernelSize: 3, stride: 1, padding: 1 })],
        ['avgPool2d 2x3/(2,1) p1 (the padded copy)', (e) => e.avgPool2d(x, { kernelSize: [2, 3], stride: [2, 1], padding: 1 })],
        ['avgPool2d 2x2 ceil', (e) => e.avgPool2d(x, { kernelSize: 2, ceilMode: true })],
        ['globalAvgPool2d', (e) => e.globalAvgPool2d(x)],
        ['relu', (e) => e.relu(x)],
        ['im2col', (e) => e.im2col(x, { kernelSize: 3, padding: 1, stride: [2, 1] })],
      ];
      for (const [name, f] of calls) {
        const want = f(one);
        for (const [n, e] of many) expectSameBits(f(e), want, `${name} threads: ${n}`);
      }
    });
  });

  it('a prepared layer, repeatedly, with out buffers; nothing leaks', () => {
    const w = seeded([16, 8, 3, 3], 'normal', 700);
    const x = seeded([2, 8, 12, 12], 'normal', 701);
    const ref = one.prepareConv2d(w, { padding: 1 });
    const want = ref.run(x);
    ref.dispose();
    for (const [n, e] of many) {
      const before = (e as unknown as { reservedBytes: number }).reservedBytes;
      const layer = e.prepareConv2d(w, { padding: 1 });
      const out = new Float32Array(want.data.length);
      for (let r = 0; r < 3; r++) expectSameBits(layer.run(x, { out }), want, `threads: ${n} run ${r}`);
      // results are plain copies, never views of the shared memory
      expect(layer.run(x).data.buffer).not.toBeInstanceOf(SharedArrayBuffer);
      layer.dispose();
      expect((e as unknown as { reservedBytes: number }).reservedBytes).toBe(before);
    }
  });

  it('lastCall.threads: split jobs report their thread count; 1-unit jobs stay on one thread', () => {
    const e = many.get(2)!;
    e.conv2d(seeded([1, 4, 9, 9], 'int', 1), seeded([8, 4, 3, 3], 'int', 2), { padding: 1 });
    expect(e.lastCall!.threads).toBe(2);
    e.conv2d(seeded([1, 1, 5, 5], 'int', 1), seeded([1, 1, 3, 3], 'int', 2), { algorithm: 'depthwise' });
    expect(e.lastCall!.threads).toBe(1); // depthwise with one channel: one unit
  });
});

describe('threads: default threshold', () => {
  it('small layers stay on the calling thread, large ones split; bits equal', async () => {
    const one = await load({ isa: 'simd' });
    const two = await load({ isa: 'simd', threads: 2 });
    try {
      // LeNet-5 C1: 1→6 5×5 @32² (118 k MACs): below MIN_WORK_PER_THREAD·2
      const x1 = seeded([1, 1, 32, 32], 'normal', 1);
      const w1 = seeded([6, 1, 5, 5], 'normal', 2);
      expectSameBits(two.conv2d(x1, w1), one.conv2d(x1, w1), 'LeNet C1');
      expect(two.lastCall!.threads).toBe(1);
      // 32→64 3×3 p1 @28² (14.5 M MACs)
      const x2 = seeded([1, 32, 28, 28], 'normal', 3);
      const w2 = seeded([64, 32, 3, 3], 'normal', 4);
      expectSameBits(two.conv2d(x2, w2, { padding: 1 }), one.conv2d(x2, w2, { padding: 1 }), '32→64 @28²');
      expect(two.lastCall!.threads).toBe(2);
    } finally {
      one.dispose();
      two.dispose();
    }
  });
});
