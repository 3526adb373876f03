/**
 * A GET read to its end, or to where it broke off: a streamed answer (a CSV export) either ends with its final
 * chunk or is cut off midway, and `complete` tells which, as a browser's failed read of the body does.
 */
import http from 'node:http';

export interface Download {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** The answer ended properly (its final chunk arrived), rather than breaking off. */
  complete: boolean;
}

export const download = (url: string, headers: Record<string, string> = {}): Promise<Download> =>
  new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        // A broken-off answer errors; `close` comes either way.
        response.on('error', () => undefined);
        response.on('close', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            text: Buffer.concat(chunks).toString('utf8'),
            complete: response.complete,
          }),
        );
      })
      .on('error', reject);
  });
