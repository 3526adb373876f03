/**
 * Source text of the CloudFront Function (viewer request) that maps a page URL to its file in the site
 * bucket. It inlines `pageFileFor` itself, so CloudFront and the local runner share one mapping.
 */
import { pageFileFor } from './web-paths';

export const pageRewriteFunctionCode = (): string => {
  const mapping = pageFileFor.toString();
  // CloudFront runs this text as it is: fail the synth, not the edge, if a transpiler ever renamed or wrapped it.
  if (!/^function pageFileFor\(/.test(mapping)) {
    throw new Error(
      `pageFileFor does not stringify as a plain function declaration: ${mapping.slice(0, 80)}`,
    );
  }
  return [
    mapping,
    'function handler(event) {',
    '  var request = event.request;',
    '  request.uri = pageFileFor(request.uri);',
    '  return request;',
    '}',
  ].join('\n');
};
