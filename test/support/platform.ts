/**
 * Each test file runs its own platform (own table and queue prefix, own port) against the shared emulators,
 * with the real handlers, gateway and queue event sources.
 */
import { randomBytes } from 'node:crypto';
import type { Endpoints } from '../../local/emulators';
import { startPlatform, type PlatformOptions, type RunningPlatform } from '../../local/platform';

export const emulatorEndpoints = (): Endpoints => {
  const raw = process.env.TEST_EMULATOR_ENDPOINTS;
  if (!raw) throw new Error('TEST_EMULATOR_ENDPOINTS is not set: run the tests through jest (npm test)');
  return JSON.parse(raw) as Endpoints;
};

export interface HttpResult<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export interface TestPlatform extends RunningPlatform {
  baseUrl: string;
  sesUrl: string;
  adminToken: string;
  /** Console tokens of the other roles (lib/access.ts). */
  marketerToken: string;
  supportToken: string;
  webhookSecret: string;
  /** A request to the platform; a JSON body is serialised unless `raw` is given. */
  request<T = any>(
    method: string,
    path: string,
    options?: { json?: unknown; raw?: string | Buffer; headers?: Record<string, string> },
  ): Promise<HttpResult<T>>;
  /** A request with the admin bearer token. */
  admin<T = any>(method: string, path: string, body?: unknown): Promise<HttpResult<T>>;
}

export const startTestPlatform = async (overrides: Partial<PlatformOptions> = {}): Promise<TestPlatform> => {
  const endpoints = emulatorEndpoints();
  const adminToken = randomBytes(24).toString('base64url');
  const marketerToken = randomBytes(24).toString('base64url');
  const supportToken = randomBytes(24).toString('base64url');
  const webhookSecret = randomBytes(24).toString('base64url');
  const platform = await startPlatform({
    endpoints,
    port: 0,
    prefix: `t${randomBytes(4).toString('hex')}-`,
    adminToken,
    marketerToken,
    supportToken,
    webhookSecret,
    signupRateLimit: 0,
    schedulerTickSeconds: 1,
    visibilityTimeoutSeconds: 2,
    emailSendRatePerSecond: 0,
    logQueueErrors: false,
    environment: { POWERTOOLS_LOG_LEVEL: 'ERROR' },
    ...overrides,
  });
  const request: TestPlatform['request'] = async (method, path, options = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    let body: string | Buffer | undefined = options.raw;
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${platform.url}${path}`, {
      method,
      headers,
      body: body as BodyInit | undefined,
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON: pages, or a deliberately odd answer under test.
    }
    return { status: response.status, headers: response.headers, body: parsed as any };
  };
  return {
    ...platform,
    baseUrl: platform.url,
    sesUrl: endpoints.ses,
    adminToken,
    marketerToken,
    supportToken,
    webhookSecret,
    request,
    admin: (method, path, body) =>
      request(method, path, {
        json: body,
        headers: { authorization: `Bearer ${adminToken}` },
      }),
  };
};
