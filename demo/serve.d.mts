import type { Server } from 'node:http';

export declare const defaultRoot: string;
export declare function startServer(options?: { port?: number; root?: string; host?: string }): Promise<{
  server: Server;
  port: number;
  url: string;
  close(): Promise<void>;
}>;
