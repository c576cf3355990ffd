/**
 * f32_im2col: writes columns [p0, p0 + ncols) of the im2col matrix of one image (or one group
 * of its channels) into dst: entry (r, j) — row r = (c·kH + ky)·kW + kx, column j = p − p0 — at
 * dst + r·rowBytes + (j >> 3)·tileBytes + (j & 7)·4. Row-major with rowBytes = 4·(row length)
 * and tileBytes = 32 (the public im2col op); tile-major with rowBytes = 32 and tileBytes = 32·K
 * (the GEMM driver's panels: each 8-column tile's K rows contiguous, as the 4×8 kernel reads
 * them, 32 bytes a step instead of a row apart, and no row on a crowded L1 set). Against
 * row-major panels (rows nc or nc + 8 floats apart), same process, resident, either build first:
 * simd 0.89–0.94× the time on 1×1 144→24 @56², 0.79–0.97× on 320→1280 @7², 0.90–0.99× on
 * 960→160 @7², 0.89–1.01× on 1×1 s2 64→128 @56², 0.90–1.03× on 1×1 s2 256→512 @14²; relaxed
 * 0.92–0.99× on the two 7 × 7 layers, ≈ 1.0 on the others (0.92–0.95× on 144→24 in a slow spell).
 * Column p is output pixel (oy, ox) = (p / outW, p % outW); its entry in row r is
 * x[c][oy·sH − padTop + ky·dH][ox·sW − padLeft + kx·dW], or 0 in the padding.
 * Called panel by panel by the GEMM driver, and once with p0 = 0, ncols = outH·outW for the
 * public im2col op. A 1×1 stride-1 kernel whose pixels lie in the input copies each row in one
 * run instead of one per output row (7 floats a copy on 7 × 7): the copied pointwise layers of
 * bindings/plan.ts pointwiseCopies.
 */
export function f32_im2col(
  x: usize, c: i32, h: i32, w: i32, kH: i32, kW: i32, sH: i32, sW: i32, dH: i32, dW: i32,
  padTop: i32, padLeft: i32, outW: i32, p0: i32, ncols: i32, dst: usize, rowBytes: usize, tileBytes: usize,
): void {
  if (kH == 1 && kW == 1 && sH == 1 && sW == 1 && padTop == 0 && padLeft == 0 && outW == w && p0 + ncols <= h * w) {
    // 1×1, stride 1, no padding on these pixels: row ch is a run of the plane, one copy
    for (let ch = 0; ch < c; ch++) {
      copyRun(dst + <usize>ch * rowBytes, 0, x + (<usize>(ch * h * w + p0) << 2), ncols, tileBytes);
    }
    return;
  }
  let r = 0;
  for (let ch = 0; ch < c; ch++) {
    const plane = x + (<usize>(ch * h * w) << 2);
    for (let ky = 0; ky < kH; ky++) {
      for (let kx = 0; kx < kW; kx++) {
        const drow = dst + <usize>r * rowBytes;
        let j = 0;
        let oy = p0 / outW;
        let ox = p0 - oy * outW;
        while (j < ncols) {
          const seg = min(outW - ox, ncols - j);
          const iy = oy * sH - padTop + ky * dH;
          if (iy < 0 || iy >= h) {
            zeroRun(drow, j, seg, tileBytes);
          } else {
            const ix0 = ox * sW - padLeft + kx * dW;
            const tlo = ix0 >= 0 ? 0 : min(seg, (-ix0 + sW - 1) / sW);
            const thi = ix0 > w - 1 ? tlo : max(tlo, min(seg, (w - 1 - ix0) / sW + 1));
            if (tlo > 0) zeroRun(drow, j, tlo, tileBytes);
            const srow = plane + (<usize>(iy * w) << 2);
            if (sW == 1) {
              copyRun(drow, j + tlo, srow + (<usize>(ix0 + tlo) << 2), thi - tlo, tileBytes);
            } else {
              let t = tlo;
              if (sW == 2) {
                // even lanes of 8 consecutive floats, 4 columns a step (lane by lane where they
                // cross into the next 8-column tile); the last step reads up to one float past
                // the row's last column (the next row, or the heap's slack)
                for (; t + 4 <= thi; t += 4) {
                  const p = srow + (<usize>(ix0 + 2 * t) << 2);
                  const v = v128.shuffle<f32>(v128.load(p), v128.load(p, 16), 0, 2, 4, 6);
                  const q = j + t;
                  if ((q & 7) <= 4) {
                    v128.store(at(drow, q, tileBytes), v);
                  } else {
                    v128.store32_lane(at(drow, q, tileBytes), v, 0);
                    v128.store32_lane(at(drow, q + 1, tileBytes), v, 1);
                    v128.store32_lane(at(drow, q + 2, tileBytes), v, 2);
                    v128.store32_lane(at(drow, q + 3, tileBytes), v, 3);
                  }
                }
              }
              for (; t < thi; t++) {
                store<f32>(at(drow, j + t, tileBytes), load<f32>(srow + (<usize>(ix0 + t * sW) << 2)));
              }
            }
            if (thi < seg) zeroRun(drow, j + thi, seg - thi, tileBytes);
          }
          j += seg;
          oy++;
          ox = 0;
        }
        r++;
      }
    }
  }
}

/** Address of column j in the row at drow. */
// @ts-ignore: decorator
@inline
function at(drow: usize, j: i32, tileBytes: usize): usize {
  return drow + <usize>(j >> 3) * tileBytes + (<usize>(j & 7) << 2);
}

/** n (≤ 0: none) floats from src into columns j … j + n − 1 of the row at drow: one at a time up to a tile's start, then 8 a step. */
function copyRun(drow: usize, j: i32, src: usize, n: i32, tileBytes: usize): void {
  let t = 0;
  for (; t < n && ((j + t) & 7) != 0; t++) store<f32>(at(drow, j + t, tileBytes), load<f32>(src + (<usize>t << 2)));
  for (; t + 8 <= n; t += 8) {
    const d = at(drow, j + t, tileBytes);
    const s = src + (<usize>t << 2);
    v128.store(d, v128.load(s));
    v128.store(d, v128.load(s, 16), 16);
  }
  if (t + 4 <= n) {
    v128.store(at(drow, j + t, tileBytes), v128.load(src + (<usize>t << 2)));
    t += 4;
  }
  for (; t < n; t++) store<f32>(at(drow, j + t, tileBytes), load<f32>(src + (<usize>t << 2)));
}

/** Zeros into columns j … j + n − 1 (n ≤ 0: none) of the row at drow. */
function zeroRun(drow: usize, j: i32, n: i32, tileBytes: usize): void {
  const vzero = f32x4.splat(0);
  let t = 0;
  for (; t < n && ((j + t) & 7) != 0; t++) store<f32>(at(drow, j + t, tileBytes), 0);
  for (; t + 8 <= n; t += 8) {
    const d = at(drow, j + t, tileBytes);
    v128.store(d, vzero);
    v128.store(d, vzero, 16);
  }
  for (; t < n; t++) store<f32>(at(drow, j + t, tileBytes), 0);
}
