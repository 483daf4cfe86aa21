import { sql, type Kysely } from 'kysely';

// Frozen in time: never import app code here (Kysely migration docs).
//
// A closed day's figures never change: the database refuses to update or delete a Z report,
// whoever asks (the API, a maintenance script, a mistaken query). Late data is reported as
// an adjustment on a later Z report instead.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function kiosk_refuse_z_report_change() returns trigger language plpgsql as $$
    begin
      raise exception 'Z report of % for %/% is closed and cannot change', old.business_day, old.tenant_id, old.outlet_id
        using errcode = 'integrity_constraint_violation';
    end $$`.execute(db);
  await sql`
    create trigger z_reports_frozen before update or delete on z_reports
    for each row execute function kiosk_refuse_z_report_change()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger if exists z_reports_frozen on z_reports`.execute(db);
  await sql`drop function if exists kiosk_refuse_z_report_change()`.execute(db);
}
