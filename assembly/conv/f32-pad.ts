/**
 * f32_pad_phase: copies C planes of H×W into a padded, column-phase-split layout so that every
 * later kernel reads contiguous vectors whatever the stride.
 *
 * The padded plane has Hp rows and Wp columns; padded (row, col) holds input
 * (row − padTop, col − padLeft), or `value` outside the input. Columns are split by phase
 * modulo sW: padded column col lives at phase col % sW, position col / sW. Layout, in floats:
 *   dst[((c·Hp + row)·sW + phase)·Wq + pos],   Wq = ceil(Wp / sW), row stride sW·Wq.
 * With sW = 1 this is the ordinary zero/-inf padded copy.
 * Only channels [cBegin, cEnd) are copied (0, c for all; threads split here).
 */
export function f32_pad_phase(
  src: usize, c: i32, h: i32, w: i32, padTop: i32, padLeft: i32,
  hp: i32, sW: i32, wq: i32, value: f32, dst: usize, cBegin: i32, cEnd: i32,
): void {
  const rowFloats = sW * wq;
  const vfill = f32x4.splat(value);
  let d = dst + (<usize>(cBegin * hp * rowFloats) << 2);
  for (let ch = cBegin; ch < cEnd; ch++) {
    const plane = src + (<usize>(ch * h * w) << 2);
    for (let row = 0; row < hp; row++) {
      const iy = row - padTop;
      if (iy < 0 || iy >= h) {
        fill(d, rowFloats, vfill, value);
      } else {
        const srow = plane + (<usize>(iy * w) << 2);
        if (sW == 1) {
          const right = wq - padLeft - w;
          fill(d, padLeft, vfill, value);
          memory.copy(d + (<usize>padLeft << 2), srow, <usize>w << 2);
          if (right > 0) fill(d + (<usize>(padLeft + w) << 2), right, vfill, value);
        } else {
          for (let phase = 0; phase < sW; phase++) {
            const drow = d + (<usize>(phase * wq) << 2);
            // positions whose column ix = pos·sW + phase − padLeft lies inside the input
            const lo = min(wq, max(0, (padLeft - phase + sW - 1) / sW));
            const last = w - 1 + padLeft - phase;
            const hi = last < 0 ? lo : max(lo, min(wq, last / sW + 1));
            fill(drow, lo, vfill, value);
            let pos = lo;
            let s = srow + (<usize>(pos * sW + phase - padLeft) << 2);
            if (sW == 2) {
              for (; pos + 4 <= hi; pos += 4) {
                v128.store(drow + (<usize>pos << 2), v128.shuffle<f32>(v128.load(s), v128.load(s, 16), 0, 2, 4, 6));
                s += 32;
              }
            }
            for (; pos < hi; pos++) {
              store<f32>(drow + (<usize>pos << 2), load<f32>(s));
              s += <usize>sW << 2;
            }
            fill(drow + (<usize>hi << 2), wq - hi, vfill, value);
          }
        }
      }
      d += <usize>rowFloats << 2;
    }
  }
}

// @ts-ignore: decorator
@inline
function fill(p: usize, n: i32, v: v128, s: f32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(p + (<usize>i << 2), v);
  for (; i < n; i++) store<f32>(p + (<usize>i << 2), s);
}
