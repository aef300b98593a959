"""Everything about a schema that must match between two ways of building it, read from the catalogue."""

from django.db import connection

CATALOGUE = {
    "columns": """
        SELECT table_name, column_name,
               -- column order, not attnum: a migration that dropped a column leaves a gap a copy does not
               row_number() OVER (PARTITION BY table_name ORDER BY ordinal_position), data_type, character_maximum_length, is_nullable,
               column_default, is_identity, identity_generation, identity_start, identity_increment
        FROM information_schema.columns WHERE table_schema = %(schema)s""",
    "constraints": """
        SELECT c.relname, con.conname, con.contype,
               replace(pg_get_constraintdef(con.oid), %(schema)s || '.', ''), con.condeferrable,
               con.condeferred
        FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = %(schema)s""",
    "indexes": """
        SELECT c.relname, replace(pg_get_indexdef(i.indexrelid), %(schema)s || '.', '')
        FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = %(schema)s""",
    "sequences": """
        SELECT s.relname, t.relname, a.attname, d.deptype, seq.seqstart, seq.seqincrement, seq.seqmax,
               pg_sequence_last_value(s.oid)
        FROM pg_class s JOIN pg_namespace n ON n.oid = s.relnamespace JOIN pg_sequence seq ON seq.seqrelid = s.oid
        JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass
        JOIN pg_class t ON t.oid = d.refobjid JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
        WHERE n.nspname = %(schema)s AND s.relkind = 'S'""",
}


def describe(schema):
    with connection.cursor() as cursor:
        description = {}
        for part, sql in CATALOGUE.items():
            cursor.execute(sql, {"schema": schema})
            description[part] = sorted(cursor.fetchall(), key=repr)
        cursor.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = %s ORDER BY 1", [schema])
        tables = [name for (name,) in cursor.fetchall()]
        description["tables"] = tables
        rows = {}
        for table in tables:
            cursor.execute(f'SELECT * FROM "{schema}"."{table}"')
            columns = [column.name for column in cursor.description]
            # When a migration was recorded differs between the two schemas; everything else must not.
            rows[table] = sorted(
                (
                    tuple(value for column, value in zip(columns, row, strict=True) if column != "applied")
                    for row in cursor.fetchall()
                ),
                key=repr,
            )
        description["rows"] = rows
        return description
