/* Counts ink in a PNG, for the ZPL render test: dark pixels (luminance
 * below one half; transparent counts as white).
 *   zpl_ink FILE.png                 prints the box of all ink: X0 Y0 X1 Y1
 *                                    (X1, Y1 exclusive), or "none"
 *   zpl_ink FILE.png X0 Y0 X1 Y1     prints the ink pixels inside the box
 *   zpl_ink FILE.png -X0 Y0 X1 Y1    prints the ink pixels outside it
 * Exit 2 when the file cannot be read. */
#include <cairo.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static bool dark(const unsigned char *row, cairo_format_t fmt, int x)
{
    switch (fmt) {
    case CAIRO_FORMAT_A8: return row[x] >= 128; /* alpha: ink */
    case CAIRO_FORMAT_A1: return (row[x / 8] >> (x % 8)) & 1;
    default: {
        uint32_t p = ((const uint32_t *)row)[x];
        unsigned a = fmt == CAIRO_FORMAT_ARGB32 ? p >> 24 : 255;
        unsigned r = (p >> 16) & 255, g = (p >> 8) & 255, b = p & 255;
        /* premultiplied: a transparent pixel is 0,0,0 with alpha 0 */
        unsigned lum = (r * 299 + g * 587 + b * 114) / 1000 + (255 - a);
        return lum < 128;
    }
    }
}

int main(int argc, char **argv)
{
    if (argc != 2 && argc != 6) {
        fprintf(stderr, "usage: zpl_ink FILE.png [[-]X0 Y0 X1 Y1]\n");
        return 2;
    }
    cairo_surface_t *s = cairo_image_surface_create_from_png(argv[1]);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        fprintf(stderr, "zpl_ink: %s: %s\n", argv[1], cairo_status_to_string(cairo_surface_status(s)));
        return 2;
    }
    int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
    int stride = cairo_image_surface_get_stride(s);
    cairo_format_t fmt = cairo_image_surface_get_format(s);
    const unsigned char *px = cairo_image_surface_get_data(s);
    bool outside = argc == 6 && argv[2][0] == '-';
    int bx0 = 0, by0 = 0, bx1 = 0, by1 = 0;
    if (argc == 6) {
        bx0 = atoi(argv[2] + outside), by0 = atoi(argv[3]), bx1 = atoi(argv[4]), by1 = atoi(argv[5]);
    }
    long count = 0;
    int x0 = w, y0 = h, x1 = -1, y1 = -1;
    for (int y = 0; y < h; y++) {
        const unsigned char *row = px + (size_t)y * (size_t)stride;
        for (int x = 0; x < w; x++) {
            if (!dark(row, fmt, x))
                continue;
            bool in = x >= bx0 && x < bx1 && y >= by0 && y < by1;
            count += argc == 6 && in != outside;
            x0 = x < x0 ? x : x0, y0 = y < y0 ? y : y0;
            x1 = x > x1 ? x : x1, y1 = y > y1 ? y : y1;
        }
    }
    if (argc == 6)
        printf("%ld\n", count);
    else if (x1 < 0)
        printf("none\n");
    else
        printf("%d %d %d %d\n", x0, y0, x1 + 1, y1 + 1);
    cairo_surface_destroy(s);
    return 0;
}
