/* entrepot serve — the web app's files (src/web, embedded at build time)
 * at /: content types, ETags and revalidation (304), no other state. */
#include <string.h>

#include "server.h"

static const char *content_type(const char *path)
{
    static const struct {
        const char *ext, *type;
    } types[] = {
        {".html", "text/html; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".json", "application/json; charset=utf-8"},
        {".svg", "image/svg+xml"},
    };
    const char *dot = strrchr(path, '.');
    for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
        if (strcmp(dot, types[i].ext) == 0)
            return types[i].type;
    return "application/octet-stream";
}

/* Does If-None-Match name this ETag (a list, or "*")? */
static int etag_matches(struct req *r, const char *etag)
{
    const char *inm = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH);
    return inm && (strstr(inm, etag) != NULL || strcmp(inm, "*") == 0);
}

void srv_static(struct req *r, struct reply *out)
{
    if (strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0) {
        reply_error(out, 405, "method_not_allowed", NULL, "%s is not allowed here", ENT_CLIP(r->method, 10));
        return;
    }
    const char *path = strcmp(r->url, "/") == 0 ? "/index.html" : r->url;
    const struct web_file *f = srv_web_files;
    while (f->path && strcmp(f->path, path) != 0)
        f++;
    if (f->path == NULL) {
        reply_error(out, 404, "not_found", NULL, "no such resource: %s", ENT_CLIP(r->url, 80));
        return;
    }
    /* The names do not change with a new build, so each answer is checked
     * again (no-cache) and costs a 304 without body while the file is the
     * same: a new version is never hidden behind a stale copy. */
    out->cache = "no-cache";
    out->etag = f->etag;
    if (etag_matches(r, f->etag)) {
        out->status = 304;
        return;
    }
    out->status = 200;
    out->body_static = f->data;
    out->text_len = f->len;
    out->ctype = content_type(path);
}
