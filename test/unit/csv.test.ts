/**
 * The platform's one CSV writer (lambdas/domain/csv.ts): RFC 4180 as a strict reader checks it, and text a
 * spreadsheet would run as a formula made plain text, whatever the content.
 */
import fc from 'fast-check';
import { csvRecords, spreadsheetSafe } from '../../lambdas/domain/csv';
import { parse } from '../support/csv-reader';

describe('csvRecords', () => {
  test('records end with CRLF; nothing is quoted that needs no quotes; no records is no text', () => {
    expect(
      csvRecords([
        ['sku', 'name', 'stock'],
        ['TEE-1', 'Organic tee', 3],
      ]),
    ).toBe('sku,name,stock\r\nTEE-1,Organic tee,3\r\n');
    expect(csvRecords([])).toBe('');
  });

  test('commas, quotes, CR and LF are quoted, quotes doubled', () => {
    expect(csvRecords([['a, b', 'say "hi"', 'one\ntwo', 'one\rtwo', 'one\r\ntwo']])).toBe(
      '"a, b","say ""hi""","one\ntwo","one\rtwo","one\r\ntwo"\r\n',
    );
  });

  test('text starting with = + - @, a tab or a CR gets a leading apostrophe; elsewhere it stays', () => {
    const cells = ['=1+2', '+49 30', '-3', '@SUM(A1)', '\tx', '\rx', 'a=b', "'quoted", ' =spaced'];
    expect(parse(csvRecords([cells]))[0]).toEqual([
      "'=1+2",
      "'+49 30",
      "'-3",
      "'@SUM(A1)",
      "'\tx",
      "'\rx",
      'a=b',
      "'quoted",
      ' =spaced',
    ]);
    expect(csvRecords([['=HYPERLINK("http://evil.example","x")']])).toBe(
      `"'=HYPERLINK(""http://evil.example"",""x"")"\r\n`,
    );
  });

  test('numbers and booleans as they are; null and undefined are empty cells', () => {
    expect(csvRecords([[0, 12.5, true, false, null, undefined, '']])).toBe('0,12.5,true,false,,,\r\n');
  });

  test('any text reads back exactly (made spreadsheet-safe), every record with all its cells', () => {
    const cell = fc.oneof(
      fc.string({ unit: 'grapheme' }),
      fc.string({ unit: fc.constantFrom(',', '"', '\r', '\n', '=', '+', '-', '@', '\t', 'a', ' ', 'é') }),
    );
    fc.assert(
      fc.property(
        fc.array(fc.array(cell, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 5 }),
        (rows) => {
          // A record of one empty cell is an empty line, which a reader cannot tell from no record.
          fc.pre(rows.every((row) => row.length > 1 || row[0] !== ''));
          const text = csvRecords(rows);
          expect(text.endsWith('\r\n')).toBe(true);
          expect(parse(text)).toEqual(rows.map((row) => row.map(spreadsheetSafe)));
        },
      ),
      { numRuns: 300 },
    );
  });

  test('pages written one after another make one file (a streamed export)', () => {
    const header = csvRecords([['id', 'name']]);
    const pages = [
      csvRecords([
        ['1', 'a,b'],
        ['2', 'c\nd'],
      ]),
      csvRecords([['3', '=e']]),
    ];
    expect(parse(header + pages.join(''))).toEqual([
      ['id', 'name'],
      ['1', 'a,b'],
      ['2', 'c\nd'],
      ['3', "'=e"],
    ]);
  });
});
