/** Bounds of the catalogue that its stores apply too, apart from the schemas (lambdas/domain/catalog.ts). */

/** Most variants one product lists (size × colour grids stay well under it); more are not shown. */
export const MAX_VARIANTS = 200;
