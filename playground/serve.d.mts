// Types for serve.mjs, for the TypeScript tests that import it.
import type { Server } from "node:http";
export declare function startServer(port?: number): Promise<{ server: Server; url: string }>;
