/**
 * Liquid engines for email: the HTML engine escapes every output, the text engine does not (plain text has
 * nothing to escape). Both are strict: an unknown variable or filter is an error, never an empty string.
 */
import { Liquid } from 'liquidjs';

const options = { strictVariables: true, strictFilters: true, cache: true } as const;

export const htmlEngine = new Liquid({ ...options, outputEscape: 'escape' });
export const textEngine = new Liquid({ ...options });

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

/** Subjects are header values: collapse any whitespace (including CR/LF a variable might carry). */
export const oneLine = (value: string): string => value.replace(/\s+/g, ' ').trim();
