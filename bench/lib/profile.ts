/**
 * `--profile`: samples this process's CPU with the V8 profiler during chosen intervals (e.g. the platform's
 * load slices), writes each profile as a .cpuprofile (open it in Chrome DevTools or speedscope) and sums the
 * self time by where the code comes from: a package, this repository's directories, or Node's internals.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { Session } from 'node:inspector';
import path from 'node:path';

interface ProfileNode {
  id: number;
  children?: number[];
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const ROOT = path.resolve(__dirname, '..', '..');

/** Where a function's code comes from, for grouping. */
const originOf = (url: string, functionName: string): string => {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const file = url.replace(/^file:\/\//, '');
  const packageMatch = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(
    file.slice(file.lastIndexOf('node_modules/')),
  );
  if (file.includes('node_modules/') && packageMatch) return packageMatch[1];
  if (file.startsWith('node:')) return file.replace(/^node:(internal\/)?/, 'node:').split('/')[0];
  if (file.startsWith(ROOT)) {
    const relative = path.relative(ROOT, file).split(path.sep);
    return relative.length > 2 ? `${relative[0]}/${relative[1]}/` : relative.join('/');
  }
  return file;
};

export interface ProfileSummary {
  totalMs: number;
  byOrigin: { origin: string; selfMs: number; percent: number }[];
  /** Every origin's self time, for comparing two profiles. */
  allOrigins: Record<string, number>;
  topFunctions: { fn: string; selfMs: number; percent: number }[];
  files: string[];
}

export class Profiler {
  private readonly session = new Session();
  private readonly profiles: CpuProfile[] = [];
  private readonly files: string[] = [];

  constructor(
    private readonly directory: string,
    private readonly name: string,
  ) {
    this.session.connect();
  }

  private post<T>(method: string, params?: object): Promise<T> {
    return new Promise((resolve, reject) =>
      this.session.post(method, params, (error, result) => (error ? reject(error) : resolve(result as T))),
    );
  }

  async start(): Promise<void> {
    await this.post('Profiler.enable');
    await this.post('Profiler.setSamplingInterval', { interval: 500 });
    await this.post('Profiler.start');
  }

  async stop(): Promise<void> {
    const { profile } = await this.post<{ profile: CpuProfile }>('Profiler.stop');
    this.profiles.push(profile);
    mkdirSync(this.directory, { recursive: true });
    const file = path.join(this.directory, `${this.name}-${this.profiles.length}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    this.files.push(file);
  }

  summary(): ProfileSummary {
    const byOrigin = new Map<string, number>();
    const byFunction = new Map<string, number>();
    let totalUs = 0;
    for (const profile of this.profiles) {
      const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
      const parents = new Map<number, number>();
      for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
      // Samples taken while the profiler itself was being started or stopped are not the workload's.
      const profilerOwn = new Map<number, boolean>();
      const isProfilerOwn = (id: number): boolean => {
        const known = profilerOwn.get(id);
        if (known !== undefined) return known;
        const parent = parents.get(id);
        const own =
          nodes.get(id)?.callFrame.url === 'node:inspector' ||
          (parent !== undefined && isProfilerOwn(parent));
        profilerOwn.set(id, own);
        return own;
      };
      profile.samples.forEach((id, i) => {
        const node = nodes.get(id);
        const us = profile.timeDeltas[i] ?? 0;
        if (!node || node.callFrame.functionName === '(idle)' || isProfilerOwn(id)) return;
        totalUs += us;
        const origin = originOf(node.callFrame.url, node.callFrame.functionName);
        byOrigin.set(origin, (byOrigin.get(origin) ?? 0) + us);
        const where = node.callFrame.url
          ? `${origin} ${path.basename(node.callFrame.url)}:${node.callFrame.lineNumber + 1}`
          : origin;
        const fn = `${node.callFrame.functionName || '(anonymous)'} [${where}]`;
        byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
      });
    }
    const top = <K extends string>(map: Map<string, number>, key: K, n: number) =>
      [...map]
        .sort((a, b) => b[1] - a[1])
        .slice(0, n)
        .map(
          ([name, us]) =>
            ({
              [key]: name,
              selfMs: Math.round(us / 100) / 10,
              percent: Math.round((us / totalUs) * 1000) / 10,
            }) as { [P in K]: string } & { selfMs: number; percent: number },
        );
    return {
      totalMs: Math.round(totalUs / 1000),
      byOrigin: top(byOrigin, 'origin', 15),
      allOrigins: Object.fromEntries([...byOrigin].map(([origin, us]) => [origin, us / 1000])),
      topFunctions: top(byFunction, 'fn', 15),
      files: this.files,
    };
  }

  close(): void {
    this.session.disconnect();
  }
}

/**
 * Self time per request by origin in `a` minus the same in `b`, biggest difference first: what `a` does per
 * request that `b` does not (e.g. the platform over the bare-SDK floor).
 */
export const diffPerRequest = (
  a: ProfileSummary,
  aRequests: number,
  b: ProfileSummary,
  bRequests: number,
): { origin: string; msPerRequest: number }[] => {
  const origins = new Set([...Object.keys(a.allOrigins), ...Object.keys(b.allOrigins)]);
  return [...origins]
    .map((origin) => ({
      origin,
      msPerRequest:
        Math.round(
          ((a.allOrigins[origin] ?? 0) / Math.max(1, aRequests) -
            (b.allOrigins[origin] ?? 0) / Math.max(1, bRequests)) *
            100,
        ) / 100,
    }))
    .sort((x, y) => Math.abs(y.msPerRequest) - Math.abs(x.msPerRequest));
};
