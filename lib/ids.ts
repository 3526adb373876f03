/** Construct ids derived from the spec's camelCase names ("publicApi" → "PublicApi"), so logical ids read well. */
export const constructId = (name: string): string => name.charAt(0).toUpperCase() + name.slice(1);
