/**
 * Multi-row writes with one parameter: the rows travel as one JSON array and PostgreSQL turns
 * them into records of the table's own row type (`json_populate_recordset(null::table, …)`).
 * One statement for thousands of rows, no 65,535-parameter limit, and the same text on
 * PostgreSQL and PGlite (no driver-specific array encoding).
 */
import { sql, type RawBuilder } from 'kysely';

const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** The rows of `table` as a record set, for `insert … select … from ${recordset}`. */
export function recordset(table: string, rows: readonly object[]): RawBuilder<unknown> {
  return sql`json_populate_recordset(null::${sql.raw(ident(table))}, ${toJson(rows)}::json)`;
}

/**
 * PostgreSQL text cannot hold U+0000, so a NUL typed into a note would fail the whole batch
 * forever; it is stored as U+FFFD instead (the fast path skips the replacer when there is none).
 */
export function toJson(rows: readonly object[]): string {
  const json = JSON.stringify(rows);
  if (!json.includes('\\u0000')) return json;
  return JSON.stringify(rows, (_key, value: unknown) => (typeof value === 'string' ? value.replaceAll('\u0000', '\uFFFD') : value));
}

/** `insert into table (cols) select cols from recordset [on conflict (keys) do update set …]`. */
export function insertRows(
  table: string,
  columns: readonly string[],
  rows: readonly object[],
  conflict?: { keys: readonly string[]; update: readonly string[] | 'nothing'; where?: string; extraSet?: string },
  returning?: readonly string[],
): RawBuilder<unknown> {
  const cols = columns.map(ident).join(', ');
  let onConflict = '';
  if (conflict) {
    const keys = conflict.keys.map(ident).join(', ');
    if (conflict.update === 'nothing') onConflict = ` on conflict (${keys}) do nothing`;
    else {
      const sets = conflict.update.map((c) => `${ident(c)} = excluded.${ident(c)}`);
      if (conflict.extraSet) sets.push(conflict.extraSet);
      onConflict = ` on conflict (${keys}) do update set ${sets.join(', ')}${conflict.where ? ` where ${conflict.where}` : ''}`;
    }
  }
  const ret = returning ? ` returning ${returning.map(ident).join(', ')}` : '';
  return sql`insert into ${sql.raw(ident(table))} (${sql.raw(cols)}) select ${sql.raw(cols)} from ${recordset(table, rows)}${sql.raw(onConflict + ret)}`;
}

/** A JSON array of strings usable as `x in (select json_array_elements_text(…))`. */
export function jsonTextArray(values: readonly string[]): RawBuilder<unknown> {
  return sql`(select json_array_elements_text(${JSON.stringify(values)}::json))`;
}
