#ifndef AUTOPIPE_CLIBCSV_SHIM_H
#define AUTOPIPE_CLIBCSV_SHIM_H
#include <stddef.h>
#include <csv.h>
#endif
