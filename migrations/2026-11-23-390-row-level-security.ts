import { sql, type Kysely } from 'kysely';

// Frozen in time: never import app code here (Kysely migration docs).
//
// Tenant isolation in the database. Every table with a `tenant_id` column (the back-office's,
// the projector's order tables, the relay's log) gets row-level security with one policy:
// a row is visible and writable only when its tenant is the request's `app.tenant_id`.
//
// The owner of the tables (the migrating user: relay, projector, maintenance) bypasses RLS
// because RLS is enabled, not forced. The back-office API instead runs each request in a
// transaction that switches to the NOLOGIN role `kiosk_app` (`set local role`), which
// has no bypass: superusers and owners would otherwise ignore every policy.
//
// `current_setting('app.tenant_id', true)` is NULL when unset, so a forgotten set_config sees
// nothing rather than everything.

const ROLE = 'kiosk_app';

export async function up(db: Kysely<any>): Promise<void> {
  // Roles are cluster-wide on PostgreSQL: several databases (tests run in parallel) may race
  // to create it, so a duplicate is fine.
  await sql
    .raw(
      `do $$ begin
         if not exists (select from pg_roles where rolname = '${ROLE}') then
           create role ${ROLE} nologin;
         end if;
       exception
         when duplicate_object or unique_violation then null;
         when insufficient_privilege then
           raise exception 'row-level security needs the role ${ROLE}: give this database user CREATEROLE, or as a superuser run: create role ${ROLE} nologin; grant ${ROLE} to %;', current_user;
       end $$`,
    )
    .execute(db);
  // A non-superuser owner must be a member to `set role`; a superuser already may. Older
  // servers refuse the grant without ADMIN on the role, which only matters for non-superusers.
  await sql
    .raw(
      `do $$ begin
         if not (select rolsuper from pg_roles where rolname = current_user) then
           execute format('grant ${ROLE} to %I', current_user);
         end if;
       exception when others then raise warning 'could not grant ${ROLE} to %: %', current_user, sqlerrm;
       end $$`,
    )
    .execute(db);

  await sql.raw(`grant usage on schema ${'public'} to ${ROLE}`).execute(db);

  const tables = await sql<{ table_name: string }>`
    select c.table_name from information_schema.columns c
    join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
    where c.table_schema = current_schema() and c.column_name = 'tenant_id' and t.table_type = 'BASE TABLE'
    order by c.table_name`.execute(db);
  for (const { table_name } of tables.rows) {
    const table = `"${table_name.replace(/"/g, '""')}"`;
    await sql.raw(`alter table ${table} enable row level security`).execute(db);
    await sql
      .raw(
        `create policy tenant_isolation on ${table} to ${ROLE}
           using (tenant_id = current_setting('app.tenant_id', true))
           with check (tenant_id = current_setting('app.tenant_id', true))`,
      )
      .execute(db);
    await sql.raw(`grant select, insert, update, delete on ${table} to ${ROLE}`).execute(db);
  }
  await sql.raw(`grant usage, select on all sequences in schema public to ${ROLE}`).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  const tables = await sql<{ tablename: string }>`
    select tablename from pg_policies where schemaname = current_schema() and policyname = 'tenant_isolation'`.execute(db);
  for (const { tablename } of tables.rows) {
    const table = `"${tablename.replace(/"/g, '""')}"`;
    await sql.raw(`drop policy tenant_isolation on ${table}`).execute(db);
    await sql.raw(`alter table ${table} disable row level security`).execute(db);
    await sql.raw(`revoke all on ${table} from ${ROLE}`).execute(db);
  }
}
