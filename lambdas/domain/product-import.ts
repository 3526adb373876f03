/**
 * What an imported row does to its product (docs/catalogue.md): an upsert by SKU in which every field the row
 * leaves out keeps its stored value (a new product takes the defaults a PUT gives it), checked whole by the
 * console's own product schema, and counted `created`, `updated` (some stored value changed) or `unchanged`.
 * Pure, so every rule is tested without a database; lambdas/use-cases/import-chunk.ts applies the plans.
 *
 * A product the import writes carries `importMark` = `<import id>#<chunk>#<created|updated>`. A chunk delivered
 * again (its worker died before counting) recognises its own writes by it and counts them as they were, and a
 * chunk of an older import never overwrites what a newer one set (import ids sort by time): imports racing
 * on the queue end as if run one after the other.
 */
import type { BackorderPolicy } from './eligibility';
import type { EtaState } from './eta';
import { productSchema, type ProductInput } from './catalog';
import type { ImportRow } from './product-csv';

/** The fields of a product an import reads and may write. */
export interface ImportedProductState extends EtaState {
  sku: string;
  name: string;
  stock?: number;
  productId?: string;
  options?: Record<string, string>;
  supplierId?: string;
  backorders?: BackorderPolicy;
  updatedAt?: string;
  importMark?: string;
}

/** The marketer's fields, as a row leaves them: what is written. */
export type ProductFields = Required<Pick<ProductInput, 'name' | 'stock'>> &
  Omit<ProductInput, 'name' | 'stock'>;

/** Which chunk of which import a write belongs to. */
export interface ImportRef {
  importId: string;
  chunk: number;
}

export type RowPlan =
  | { outcome: 'unchanged' }
  | { outcome: 'failed'; message: string }
  | {
      outcome: 'created' | 'updated';
      /** The fields to write: all of them for a new product, the changed ones for a stored one. */
      set: Partial<ProductFields>;
      /** This chunk wrote it already (a redelivery): only counted. */
      written: boolean;
      /**
       * More free units than before on a stored product: an allocation should run. Never for a new one: nobody
       * can be waiting for a SKU that was not a product (a signup needs the product).
       */
      stockRaised: boolean;
    };

export const importMark = (ref: ImportRef, outcome: 'created' | 'updated'): string =>
  `${ref.importId}#${ref.chunk}#${outcome}`;

const readMark = (mark: string | undefined) => {
  const [importId, chunk, outcome] = (mark ?? '').split('#');
  return { importId, chunk: Number(chunk), outcome: outcome === 'created' ? 'created' : 'updated' } as const;
};

/** Objects compared by content, whatever the order of their keys. */
const canonical = (value: unknown): unknown =>
  value && typeof value === 'object' && !Array.isArray(value)
    ? Object.fromEntries(
        Object.keys(value)
          .sort()
          .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
      )
    : value;
const same = (a: unknown, b: unknown): boolean =>
  JSON.stringify(canonical(a ?? null)) === JSON.stringify(canonical(b ?? null));

/** The marketer's fields an import may write (the rest of a product is the platform's). */
export const IMPORTED_FIELDS = [
  'name',
  'stock',
  'productId',
  'options',
  'supplierId',
  'expectedRestockDate',
  'backorders',
] as const satisfies readonly (keyof ProductFields)[];

/** The row's policy columns merged into the stored policy; a string says why they cannot be. */
const mergedPolicy = (row: ImportRow, stored?: BackorderPolicy): BackorderPolicy | undefined | string => {
  if (row.backordersEnabled === undefined && row.maxPerCustomer === undefined) return stored;
  const enabled = row.backordersEnabled ?? stored?.enabled;
  if (enabled === undefined)
    return "maxPerCustomer: needs backordersEnabled too, as this product follows the shop's backorder setting";
  return {
    ...stored,
    enabled,
    ...(row.maxPerCustomer === undefined ? {} : { maxPerCustomer: row.maxPerCustomer }),
  };
};

/** The product as it is after the row: the stored one with the row's fields over it, checked as a PUT body. */
const productAfter = (row: ImportRow, stored?: ImportedProductState): ProductFields | string => {
  const backorders = mergedPolicy(row, stored?.backorders);
  if (typeof backorders === 'string') return backorders;
  const options = row.options ? { ...stored?.options, ...row.options } : stored?.options;
  const input: Record<string, unknown> = {
    name: row.name,
    stock: row.stock ?? stored?.stock ?? 0,
    productId: row.productId ?? stored?.productId,
    options,
    supplierId: row.supplierId ?? stored?.supplierId,
    expectedRestockDate: row.expectedRestockDate ?? stored?.expectedRestockDate,
    backorders,
  };
  for (const key of Object.keys(input)) if (input[key] === undefined) delete input[key];
  const checked = productSchema.safeParse(input);
  if (checked.success) return checked.data as ProductFields;
  return checked.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
};

/** What to do with one row, given its product as stored (undefined: a new product). */
export const planRow = (
  row: ImportRow,
  stored: ImportedProductState | undefined,
  ref: ImportRef,
): RowPlan => {
  const mark = readMark(stored?.importMark);
  if (stored && mark.importId === ref.importId && mark.chunk === ref.chunk)
    // What the first delivery raised is not known any more: asking again for an allocation is harmless.
    return {
      outcome: mark.outcome,
      set: {},
      written: true,
      stockRaised: mark.outcome === 'updated' && (stored.stock ?? 0) > 0,
    };
  const after = productAfter(row, stored);
  if (typeof after === 'string') return { outcome: 'failed', message: after };
  if (!stored) return { outcome: 'created', set: after, written: false, stockRaised: false };
  const set: Partial<Record<keyof ProductFields, unknown>> = {};
  for (const field of IMPORTED_FIELDS)
    if (after[field] !== undefined && !same(after[field], stored[field])) set[field] = after[field];
  if (Object.keys(set).length === 0) return { outcome: 'unchanged' };
  if (mark.importId && mark.importId > ref.importId)
    return {
      outcome: 'failed',
      message: `not imported: import ${mark.importId}, started after this one, has set ${row.sku} since`,
    };
  return {
    outcome: 'updated',
    set: set as Partial<ProductFields>,
    written: false,
    stockRaised: after.stock > (stored.stock ?? 0),
  };
};
