// The PostgreSQL introspector Kysely's migrator uses, limited to Gatehouse's own schema.
//
// Kysely's stock introspector lists every column of every table in every schema the role may use, calling
// has_schema_privilege() by schema name; on a database shared by several schemas (several deployments, or parallel
// test runs), a schema dropped during that listing fails it with "schema ... does not exist" and the start fails.
// The migrator only asks whether its own bookkeeping tables exist in Gatehouse's schema, so that is all this reads.
import { sql, type DatabaseIntrospector, type DatabaseMetadata, type Kysely, type SchemaMetadata, type TableMetadata } from 'kysely';

export class SchemaScopedIntrospector implements DatabaseIntrospector {
  constructor(
    private readonly db: Kysely<unknown>,
    private readonly schema: string,
  ) {}

  /** Gatehouse's schema, when it exists; no other. */
  async getSchemas(): Promise<SchemaMetadata[]> {
    const { rows } = await sql<SchemaMetadata>`select nspname as name from pg_catalog.pg_namespace where nspname = ${this.schema}`.execute(this.db);
    return rows;
  }

  /** The tables and views of Gatehouse's schema, by name only: `columns` is always empty, nothing here reads them. */
  async getTables(): Promise<TableMetadata[]> {
    const { rows } = await sql<{ name: string; type: string }>`
      select table_name as name, table_type as type from information_schema.tables where table_schema = ${this.schema}
    `.execute(this.db);
    return rows.map(({ name, type }) => ({ name, schema: this.schema, isView: type === 'VIEW', columns: [] }));
  }

  async getMetadata(): Promise<DatabaseMetadata> {
    return { tables: await this.getTables() };
  }
}
