/* entrepot serve — checking request bodies against the fields a route takes. */
#include <string.h>

#include "server.h"

static const char *kind_name(enum fkind k)
{
    switch (k) {
    case F_STRING: return "a string";
    case F_INT: return "a whole number";
    case F_ARRAY: return "an array";
    case F_BOOL: return "true or false";
    }
    return "?";
}

static int kind_ok(json_t *v, enum fkind k)
{
    switch (k) {
    case F_STRING: return json_is_string(v);
    case F_INT: return json_is_integer(v);
    case F_ARRAY: return json_is_array(v);
    case F_BOOL: return json_is_boolean(v);
    }
    return 0;
}

/* Unknown fields are refused rather than ignored: a misspelt "lot" must not
 * silently receive goods without their lot. */
int json_check(struct reply *out, json_t *body, const struct field *fields, const char *where)
{
    if (!json_is_object(body)) {
        reply_error(out, 422, "invalid", NULL, "%s must be a JSON object", where);
        return -1;
    }
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v)
    {
        const struct field *f = fields;
        while (f->name && strcmp(f->name, key) != 0)
            f++;
        if (f->name == NULL) {
            reply_error(out, 422, "unknown_field", key, "%s has no field '%s'", where, ENT_CLIP(key, 40));
            return -1;
        }
        if (json_is_null(v) && !f->required)
            continue;
        if (!kind_ok(v, f->kind)) {
            reply_error(out, 422, "invalid", key, "'%s' must be %s", f->name, kind_name(f->kind));
            return -1;
        }
    }
    for (const struct field *f = fields; f->name; f++) {
        if (f->required && json_object_get(body, f->name) == NULL) {
            reply_error(out, 422, "invalid", f->name, "%s needs '%s'", where, f->name);
            return -1;
        }
    }
    return 0;
}

const char *json_str(json_t *obj, const char *name)
{
    return json_string_value(json_object_get(obj, name));
}

int64_t json_int(json_t *obj, const char *name, int64_t def)
{
    json_t *v = json_object_get(obj, name);
    return json_is_integer(v) ? (int64_t)json_integer_value(v) : def;
}
