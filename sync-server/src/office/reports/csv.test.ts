import { describe, expect, test } from 'vitest';
import { csvField, toCsv } from './csv';

describe('csv', () => {
  test('quotes commas, quotes and line breaks; doubles quotes', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(' padded')).toBe('" padded"');
  });

  test('numbers, booleans and empty values', () => {
    expect(csvField(-1500)).toBe('-1500');
    expect(csvField(0)).toBe('0');
    expect(csvField(null)).toBe('');
    expect(csvField(undefined)).toBe('');
    expect(csvField(true)).toBe('true');
  });

  test('text that a spreadsheet would run as a formula is defused', () => {
    expect(csvField('=SUM(A1)')).toBe("'=SUM(A1)");
    expect(csvField('-x')).toBe("'-x");
    expect(csvField('@cmd,1')).toBe(`"'@cmd,1"`);
  });

  test('a table with a header row and CRLF line ends', () => {
    const csv = toCsv(
      [
        { header: 'item', value: (r: { name: string; qty: number }) => r.name },
        { header: 'qty', value: (r) => r.qty },
      ],
      [
        { name: 'Es Teh, manis', qty: 3 },
        { name: 'Kopi "Tubruk"', qty: 1 },
      ],
    );
    expect(csv).toBe('item,qty\r\n"Es Teh, manis",3\r\n"Kopi ""Tubruk""",1\r\n');
  });
});
