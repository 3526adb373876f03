/**
 * The variables a marketer may use in a nurture template, with sample values for previews, and the check
 * that refuses a template with a syntax error or an unknown variable when it is saved (with line and column),
 * so nothing is discovered at send time. (What a template does when rendered is checked by a trial render
 * within the limits of render-limits.ts: lambdas/use-cases/campaign-admin.ts.)
 */
import type { ErrorDetail } from '../runtime/errors';
import { liquidMessage } from './render-limits';
import { htmlEngine, textEngine } from './templating';

export interface NurtureVariables {
  shopper: { name: string; email: string };
  product: { name: string; sku: string; expectedRestockDate: string };
  backorder: { quantity: number; position: number | null; statusUrl: string };
  unsubscribeUrl: string;
}

export const ALLOWED_VARIABLES: readonly string[] = [
  'shopper.name',
  'shopper.email',
  'product.name',
  'product.sku',
  'product.expectedRestockDate',
  'backorder.quantity',
  'backorder.position',
  'backorder.statusUrl',
  'unsubscribeUrl',
];

export const sampleVariables = (baseUrl: string): NurtureVariables => ({
  shopper: { name: 'Alex Sample', email: 'alex@example.com' },
  product: { name: 'Organic T-shirt, blue, M', sku: 'TSHIRT-BLUE-M', expectedRestockDate: '2026-12-24' },
  backorder: { quantity: 2, position: 7, statusUrl: `${baseUrl}/status?id=SAMPLE&token=SAMPLE` },
  unsubscribeUrl: `${baseUrl}/unsubscribe?token=SAMPLE`,
});

/**
 * Problems with one template source, each as a contract error detail for the field at `path`. Parsing
 * refuses the tags that read files (templating.ts), naming the tag, line and column.
 */
export const checkTemplate = (source: string, path: string, kind: 'html' | 'text'): ErrorDetail[] => {
  const engine = kind === 'html' ? htmlEngine : textEngine;
  let analysis;
  try {
    analysis = engine.analyzeSync(engine.parse(source));
  } catch (error) {
    return [{ path, message: liquidMessage(error) }];
  }
  const problems: ErrorDetail[] = [];
  for (const variables of Object.values(analysis.globals)) {
    for (const variable of variables) {
      const name = variable.segments.map(String).join('.');
      if (ALLOWED_VARIABLES.includes(name)) continue;
      problems.push({
        path,
        message: `line ${variable.location.row}, col ${variable.location.col}: unknown variable ${name} (use ${ALLOWED_VARIABLES.join(', ')})`,
      });
    }
  }
  return problems;
};
