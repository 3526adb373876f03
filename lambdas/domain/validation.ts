/**
 * Turns zod's verdict into the contract's VALIDATION error, with one detail per offending field, so every
 * route reports bad input the same way.
 */
import type { z } from 'zod';
import { ValidationError } from '../runtime/errors';

export const parseOrThrow = <S extends z.ZodType>(
  schema: S,
  input: unknown,
  what = 'request',
): z.infer<S> => {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const details = result.error.issues.map((issue) => {
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
    const path = [...issue.path, ...(keys.length === 1 ? keys : [])].map(String).join('.');
    const message =
      keys.length > 0 ? `unknown field${keys.length > 1 ? 's' : ''}: ${keys.join(', ')}` : issue.message;
    return { path, message };
  });
  throw new ValidationError(`The ${what} is not valid`, details);
};

/** ASCII control characters (including CR and LF) never belong in names, emails or subjects. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;
