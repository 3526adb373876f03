/**
 * A strict RFC 4180 reader for tests: records end with CRLF, a quoted field may hold commas, CR, LF and
 * doubled quotes, an unquoted one none of those. Independent of the library that writes the CSV, so a test
 * reading a file back checks the writer rather than trusting it; anything off the grammar throws.
 */
export const parse = (csv: string): string[][] => {
  const records: string[][] = [];
  let record: string[] = [];
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(
      `not RFC 4180 at ${i}: ${why} in ${JSON.stringify(csv.slice(Math.max(0, i - 20), i + 20))}`,
    );
  };
  while (i < csv.length) {
    let field = '';
    if (csv[i] === '"') {
      i++;
      for (;;) {
        if (i >= csv.length) fail('unterminated quoted field');
        if (csv[i] === '"') {
          if (csv[i + 1] === '"') {
            field += '"';
            i += 2;
          } else {
            i++;
            break;
          }
        } else field += csv[i++];
      }
    } else {
      while (i < csv.length && csv[i] !== ',' && csv[i] !== '\r') {
        if (csv[i] === '"' || csv[i] === '\n') fail('quote or line feed in an unquoted field');
        field += csv[i++];
      }
    }
    record.push(field);
    if (csv[i] === ',') i++;
    else if (csv.startsWith('\r\n', i)) {
      records.push(record);
      record = [];
      i += 2;
    } else fail('a field must end with a comma or CRLF');
  }
  if (record.length > 0) fail('the last record has no CRLF');
  return records;
};
