/* Small helpers for the Go package's cgo calls. */
#ifndef KILN_GO_H
#define KILN_GO_H

#include <stdint.h>
#include <kiln.h>

/* A cgo.Handle or an index passed to C as a host function's environment:
 * an integer C hands back and never dereferences. */
static inline void *kiln_go_env(uintptr_t value) { return (void *)value; }

#endif
