/* The migrations embedded from schema/ at build time (see cmake/embed_schema.cmake). */
#ifndef ENT_SCHEMA_H
#define ENT_SCHEMA_H

struct ent_migration {
    int version;
    const char *name;
    const char *sql;
};

extern const struct ent_migration entx_migrations[];
extern const int entx_migration_count;

#endif
