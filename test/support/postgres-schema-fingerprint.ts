// What a PostgreSQL test schema is made of, read from the catalog in one query, to tell a schema a test changed.
import pg from 'pg';

export interface SchemaState {
  /** A hash of the schema's structure: equal means nothing was created, dropped or altered in it. */
  readonly fingerprint: string;
  /** Open connections whose application_name is the schema's name. */
  readonly connections: number;
}

const literal = (value: string): string => pg.escapeLiteral(value);
export const qualified = (schema: string, name: string): string => `${pg.escapeIdentifier(schema)}.${pg.escapeIdentifier(name)}`;

// Each relation's details are looked up by its oid, through the catalogs' indexes: with autovacuum off (as in CI), the
// catalogs fill with the dead rows of every schema the suite dropped, and scanning them whole is slow.
const RELATION = `concat_ws(' ', c.oid, c.relname, c.relkind, c.relpersistence, c.relowner, c.relacl, c.reloptions,
  c.relrowsecurity, c.relforcerowsecurity, c.relreplident,
  case when c.relkind in ('i', 'I') then pg_get_indexdef(c.oid) end,
  (select string_agg(concat_ws(' ', a.attnum, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attidentity,
      a.attgenerated, a.attcollation, a.attacl, a.attisdropped, pg_get_expr(d.adbin, d.adrelid)), ', ' order by a.attnum)
    from pg_attribute a left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
    where a.attrelid = c.oid and a.attnum > 0),
  (select string_agg(concat_ws(' ', co.oid, co.conname, pg_get_constraintdef(co.oid)), ', ' order by co.oid)
    from pg_constraint co where co.conrelid = c.oid),
  (select string_agg(concat_ws(' ', t.oid, t.tgenabled, pg_get_triggerdef(t.oid)), ', ' order by t.oid)
    from pg_trigger t where t.tgrelid = c.oid),
  (select string_agg(concat_ws(' ', r.oid, r.ev_enabled, pg_get_ruledef(r.oid)), ', ' order by r.oid)
    from pg_rewrite r where r.ev_class = c.oid),
  (select string_agg(concat_ws(' ', p.oid, p.polname, p.polcmd, p.polpermissive, p.polroles, pg_get_expr(p.polqual, p.polrelid),
      pg_get_expr(p.polwithcheck, p.polrelid)), ', ' order by p.oid)
    from pg_policy p where p.polrelid = c.oid))`;

/**
 * Oids are part of it: a table dropped and created again, even identically, no longer matches. So are the migration
 * bookkeeping rows, which the store reads to decide what to migrate.
 */
function stateSql(schema: string): string {
  return `
    select md5(concat_ws(E'\\n', n.nspowner, n.nspacl,
      (select string_agg(${RELATION}, E'\\n' order by c.oid) from pg_class c where c.relnamespace = n.oid),
      (select string_agg(concat_ws(' ', p.oid, p.proname, p.prokind, md5(p.prosrc)), E'\\n' order by p.oid)
        from pg_proc p where p.pronamespace = n.oid),
      (select string_agg(concat_ws(' ', ty.oid, ty.typname, ty.typtype), E'\\n' order by ty.oid) from pg_type ty where ty.typnamespace = n.oid),
      (select string_agg(concat_ws(' ', co.oid, co.conname, pg_get_constraintdef(co.oid)), E'\\n' order by co.oid)
        from pg_constraint co where co.connamespace = n.oid and co.conrelid = 0),
      (select json_agg(m order by m.name) from ${qualified(schema, 'kysely_migration')} m),
      (select json_agg(l order by l.id) from ${qualified(schema, 'kysely_migration_lock')} l)
    )) as fingerprint,
    (select count(*)::int from pg_stat_activity where application_name = n.nspname) as connections
    from pg_namespace n where n.nspname = ${literal(schema)}`;
}

/** @throws when the schema or its migration bookkeeping is missing */
export async function schemaState(client: pg.Pool, schema: string): Promise<SchemaState> {
  const { rows } = await client.query<SchemaState>(stateSql(schema));
  if (rows[0] === undefined) throw new Error(`schema ${schema} does not exist`);
  return rows[0];
}
