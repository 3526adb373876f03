/** What every email renders to, whoever wrote it (the platform's code, or a marketer's Liquid). */
export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

/** Subjects are header values: collapse any whitespace (including CR/LF a variable might carry). */
export const oneLine = (value: string): string => value.replace(/\s+/g, ' ').trim();
