/**
 * Activation as a clamp, the way every op applies it: max(min, ·) then min(max, ·).
 * NaN stays NaN (Math.max / Math.min propagate it); 'relu' = [0, ∞], 'relu6' = [0, 6],
 * 'none' = [−∞, ∞] (see params.resolveActivation).
 */
export function clamp(x: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, x));
}
