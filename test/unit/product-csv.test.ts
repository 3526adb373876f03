/**
 * Reading a product CSV file (lambdas/domain/product-csv.ts): encodings, separators, quoting, line numbers,
 * the header's columns, each cell by the rules of the console's PUT, repeats and limits.
 */
import {
  IMPORT_MAX_ROWS,
  parseProductCsv,
  separatorOf,
  type ProductCsv,
} from '../../lambdas/domain/product-csv';
import { ValidationError } from '../../lambdas/runtime/errors';

const read = (text: string | Buffer): ProductCsv =>
  parseProductCsv(Buffer.isBuffer(text) ? text : Buffer.from(text));

/** The ValidationError a whole file is refused with. */
const refusal = (text: string | Buffer): ValidationError => {
  try {
    read(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error('the file was accepted');
};

describe('the file', () => {
  test('a UTF-8 byte order mark is not part of the first column', () => {
    const csv = read('\uFEFFsku,name\nA-1,Tee');
    expect(csv.accepted).toEqual([{ line: 2, sku: 'A-1', name: 'Tee' }]);
  });

  test('bytes that are not UTF-8 refuse the whole file', () => {
    const latin1 = Buffer.concat([Buffer.from('sku,name\nA-1,Caf'), Buffer.from([0xe9])]);
    expect(refusal(latin1).message).toMatch(/not UTF-8/);
  });

  test('CRLF, LF and CR line ends all count one line each', () => {
    for (const end of ['\r\n', '\n', '\r']) {
      const csv = read(['sku,name', 'A,a', '', 'B,b'].join(end));
      expect(csv.accepted.map((row) => row.line)).toEqual([2, 4]);
    }
  });

  test('an empty file, or one of blank lines, is refused', () => {
    expect(refusal('').message).toMatch(/empty/);
    expect(refusal('\uFEFF\r\n\r\n').message).toMatch(/empty/);
  });

  test('a header alone is a file of no rows', () => {
    expect(read('sku,name\r\n')).toEqual({ rows: 0, accepted: [], errors: [] });
  });

  test('a line of separators only is no row', () => {
    expect(read('sku,name,stock\nA,a,1\n,,\n , \t,\nB,b,2\n').rows).toBe(2);
    expect(read('sku;name;stock\nA;a;1\n;;\nB;b;2\n').rows).toBe(2);
  });

  test('a quoted value never closed refuses the file', () => {
    const open = refusal('sku,name\nA,"open\nB,b');
    expect(open.message).toBe(
      'The file is not valid CSV: a quoted value is still open at the end of the file (line 3)',
    );
  });

  test('a quote inside an unquoted value is a character, as spreadsheets read it', () => {
    expect(read('sku,name\nPIZZA,12" pizza stone').accepted[0].name).toBe('12" pizza stone');
  });

  test(`more than ${IMPORT_MAX_ROWS} rows refuse the file; exactly that many do not`, () => {
    const rows = (n: number) => ['sku,name', ...Array.from({ length: n }, (_, i) => `S${i},n`)].join('\n');
    expect(read(rows(IMPORT_MAX_ROWS)).accepted).toHaveLength(IMPORT_MAX_ROWS);
    expect(refusal(rows(IMPORT_MAX_ROWS + 1)).message).toMatch(/10001 rows; at most 10000/);
  });
});

describe('separators', () => {
  test('the header line decides: semicolons when it has more of them than commas, outside quotes', () => {
    expect(separatorOf('sku,name,stock')).toBe(',');
    expect(separatorOf('sku;name;stock')).toBe(';');
    expect(separatorOf('sku;"name, long";stock')).toBe(';');
    expect(separatorOf('"a;b;c",name')).toBe(',');
  });

  test('a semicolon file keeps commas in its values', () => {
    const csv = read('sku;name;stock\nA-1;Tee, blue;5\nA-2;"Tee; red";0');
    expect(csv.accepted).toEqual([
      { line: 2, sku: 'A-1', name: 'Tee, blue', stock: 5 },
      { line: 3, sku: 'A-2', name: 'Tee; red', stock: 0 },
    ]);
  });
});

describe('quoted values', () => {
  test('doubled quotes are one quote; a record spanning lines is numbered by the line it starts on', () => {
    const csv = read(
      'sku,name,option.Fit\r\nA,"The ""Classic""",Slim\r\nB,"two\r\nlines",x\r\nC,c,"Re\ngular"\r\nD,d,',
    );
    expect(csv.accepted[0]).toEqual({ line: 2, sku: 'A', name: 'The "Classic"', options: { Fit: 'Slim' } });
    // A name may not hold a line break (the PUT's rule), so B fails, on the line it starts on.
    expect(csv.errors).toEqual([
      { line: 3, message: 'name: must not contain control characters' },
      { line: 5, message: 'options: must not contain control characters' },
    ]);
    expect(csv.accepted.map((row) => [row.sku, row.line])).toEqual([
      ['A', 2],
      ['D', 7],
    ]);
  });
});

describe("an export's formula guard", () => {
  test('the apostrophe the exports put before = + - @ is dropped, so an export imports back as it was', () => {
    const csv = read("sku,name,option.Note\nA,'=HYPERLINK(\"x\"),'+1\nB,'Tis the season,'plain\n");
    expect(csv.accepted).toEqual([
      { line: 2, sku: 'A', name: '=HYPERLINK("x")', options: { Note: '+1' } },
      { line: 3, sku: 'B', name: "'Tis the season", options: { Note: "'plain" } },
    ]);
  });
});

describe('the header', () => {
  test('sku and name are required', () => {
    const missing = refusal('sku,stock\nA,1');
    expect(missing.message).toMatch(/^The file has no name column/);
    expect(missing.details).toContainEqual({ path: 'columns', message: 'required column missing: name' });
  });

  test("the export's figures (waiting, unitsWaiting) are read past, whatever they hold", () => {
    const csv = read('sku,name,waiting,unitsWaiting\nA,a,12,not a number\n');
    expect(csv.errors).toEqual([]);
    expect(csv.accepted).toEqual([{ line: 2, sku: 'A', name: 'a' }]);
  });

  test('unknown columns are named', () => {
    const unknown = refusal('sku,name,colour,price\nA,a,red,3');
    expect(unknown.message).toMatch(/^Unknown columns: colour, price\./);
    expect(unknown.details).toEqual([
      { path: 'columns', message: 'unknown column: colour' },
      { path: 'columns', message: 'unknown column: price' },
    ]);
  });

  test('column names are matched without regard to case or spaces; option columns keep their name', () => {
    const csv = read(' SKU , Name ,STOCK,Option.Size\nA,a,3,M');
    expect(csv.accepted).toEqual([{ line: 2, sku: 'A', name: 'a', stock: 3, options: { Size: 'M' } }]);
  });

  test('a column twice, or an option without a usable name, refuses the file', () => {
    expect(refusal('sku,name,stock,Stock\n').details).toEqual([
      { path: 'columns', message: 'column Stock appears twice' },
    ]);
    expect(refusal('sku,name,option.\n').details[0].message).toMatch(/needs an option name/);
    expect(refusal('sku,name,option.!size\n').details[0].message).toMatch(/option names are letters/);
  });
});

describe('values', () => {
  const header = 'sku,name,stock,expectedRestockDate,backordersEnabled,maxPerCustomer,supplierId,productId';

  test('every column read as the PUT reads the same field', () => {
    const csv = read(`${header}\nTEE-M, Tee M ,12,2027-01-31,yes,4,acme,TEE`);
    expect(csv.accepted).toEqual([
      {
        line: 2,
        sku: 'TEE-M',
        name: 'Tee M',
        stock: 12,
        expectedRestockDate: '2027-01-31',
        backordersEnabled: true,
        maxPerCustomer: 4,
        supplierId: 'acme',
        productId: 'TEE',
      },
    ]);
  });

  test('an empty cell leaves the field out; sku and name may not be empty', () => {
    const csv = read(`${header}\nA,a,,,,,,\n,nameless,1,,,,,\nB,,1,,,,,`);
    expect(csv.accepted).toEqual([{ line: 2, sku: 'A', name: 'a' }]);
    expect(csv.errors).toEqual([
      { line: 3, message: 'sku: is required' },
      { line: 4, message: 'name: is required' },
    ]);
  });

  test.each([
    ['stock', '-1', 'stock: must be a whole number of 0 or more'],
    ['stock', '2.5', 'stock: must be a whole number of 0 or more'],
    ['stock', '1e3', 'stock: must be a whole number of 0 or more'],
    ['stock', 'ten', 'stock: must be a whole number of 0 or more'],
    ['stock', '1000000001', 'stock: Too big: expected number to be <=1000000000'],
    ['expectedRestockDate', '31/01/2027', 'expectedRestockDate: must be a date like 2026-12-24'],
    ['expectedRestockDate', '2027-02-30', 'expectedRestockDate: must be a real calendar date'],
    ['backordersEnabled', 'maybe', 'backordersEnabled: must be true, false, yes, no, 1 or 0'],
    ['maxPerCustomer', '0', 'maxPerCustomer: must be a whole number of 1 or more'],
    ['sku', 'has space', 'sku: must be letters, digits, ".", "_" or "-"'],
    ['sku', '-leading', 'sku: must be letters, digits, ".", "_" or "-"'],
    ['productId', 'P/1', 'productId: must be letters, digits, ".", "_" or "-"'],
  ])('%s %s fails its line alone: %s', (column, value, message) => {
    const csv = read(
      column === 'sku'
        ? `sku,name\n${value},Bad\nGOOD,Good`
        : `sku,name,${column}\nBAD,Bad,${value}\nGOOD,Good,`,
    );
    expect(csv.errors).toEqual([{ line: 2, message }]);
    expect(csv.accepted.map((row) => row.sku)).toEqual(['GOOD']);
  });

  test.each([
    ['true', true],
    ['FALSE', false],
    ['1', true],
    ['0', false],
    ['Yes', true],
    ['no', false],
  ])('backordersEnabled %s is %s', (cell, value) => {
    expect(read(`sku,name,backordersEnabled\nA,a,${cell}`).accepted[0].backordersEnabled).toBe(value);
  });

  test('every problem of a line is in its one error', () => {
    expect(read(`${header}\nA,a,x,2027-13-01,,0,,`).errors).toEqual([
      {
        line: 2,
        message:
          'stock: must be a whole number of 0 or more; expectedRestockDate: must be a real calendar date; ' +
          'maxPerCustomer: must be a whole number of 1 or more',
      },
    ]);
  });

  test('more values than columns fail the line; fewer leave the rest empty', () => {
    const csv = read('sku,name,stock\nA,a,1,extra\nB,b');
    expect(csv.errors).toEqual([{ line: 2, message: 'has 4 values, but the header names 3 columns' }]);
    expect(csv.accepted).toEqual([{ line: 3, sku: 'B', name: 'b' }]);
  });

  test('more than 5 options on a line fail it', () => {
    const names = ['a', 'b', 'c', 'd', 'e', 'f'];
    const csv = read(`sku,name,${names.map((n) => `option.${n}`).join(',')}\nA,a,1,2,3,4,5,6`);
    expect(csv.errors).toEqual([{ line: 2, message: 'options: at most 5 options' }]);
  });
});

describe('repeated SKUs', () => {
  test('the first line of a SKU is imported, each later one reported', () => {
    const csv = read('sku,name,stock\nA,first,1\nB,b,1\nA,second,2\nA,third,x');
    expect(csv.accepted.map((row) => [row.sku, row.name])).toEqual([
      ['A', 'first'],
      ['B', 'b'],
    ]);
    expect(csv.errors).toEqual([
      { line: 4, message: 'SKU A is already on line 2: only that line is imported' },
      { line: 5, message: 'SKU A is already on line 2: only that line is imported' },
    ]);
    expect(csv.rows).toBe(4);
  });

  test('the first line keeps its SKU even when its values are bad', () => {
    const csv = read('sku,name,stock\nA,first,x\nA,second,2');
    expect(csv.accepted).toEqual([]);
    expect(csv.errors.map((e) => e.line)).toEqual([2, 3]);
  });
});
