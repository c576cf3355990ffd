/**
 * Row r of a plane of h rows, rowBytes apart, or `zero` (a row of zeros the caller keeps, wide
 * enough for its reads) when r lies outside [0, h): the kernels that read their input in place
 * (f32_dwconv_3x3s2, f32_avgpool_3x3) read the padding rows above and below from it.
 */
// @ts-ignore: decorator
@inline
export function rowAt(plane: usize, r: i32, h: i32, rowBytes: usize, zero: usize): usize {
  return <u32>r < <u32>h ? plane + <usize>r * rowBytes : zero;
}
