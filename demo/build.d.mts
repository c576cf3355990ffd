import type { LogLevel } from 'esbuild';

export declare const defaultOutdir: string;
export declare function buildDemo(options?: {
  outdir?: string;
  minify?: boolean;
  sourcemap?: boolean;
  logLevel?: LogLevel;
}): Promise<{ outdir: string; files: { name: string; bytes: number }[] }>;
