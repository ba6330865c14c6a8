#ifndef AUTOPIPE_CLIBCSV_SHIM_H
#define AUTOPIPE_CLIBCSV_SHIM_H
#include <stddef.h>
#include <stdlib.h>
#include <csv.h>
#if defined(__APPLE__)
#include <malloc/malloc.h>
#else
#include <malloc.h>
#endif

/* libcsv grows its field buffer by a fixed block (csv_set_blk_size) through this realloc hook. Growing
   geometrically instead keeps a very long field linear in its length: reuse the block while it is big enough,
   otherwise at least double it. */
static inline void *autopipe_csv_realloc(void *pointer, size_t size) {
    if (pointer != NULL) {
#if defined(__APPLE__)
        size_t usable = malloc_size(pointer);
#else
        size_t usable = malloc_usable_size(pointer);
#endif
        if (usable >= size) return pointer;
        if (size < 2 * usable) size = 2 * usable;
    }
    return realloc(pointer, size);
}
#endif
