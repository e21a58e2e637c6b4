#ifndef TANDEM_VERSION_H
#define TANDEM_VERSION_H

/*
 * ABI versioning.
 *
 * Major: a change that breaks a built plugin (a field moved, a meaning changed).
 * The host refuses a plugin whose major it does not speak.
 * Minor: growth at the end of a struct or a new optional function. Within one
 * major, structs only grow at the end; every struct starts with `struct_size`,
 * and the reader checks that a field lies inside `struct_size` before reading it
 * (TANDEM_HAS). An older reader ignores the tail it does not know.
 *
 * Published ids and layouts never change once released.
 */

#include <stddef.h>
#include <stdint.h>

#define TANDEM_ABI_MAJOR 1
#define TANDEM_ABI_MINOR 0

/* True when `field` lies wholly inside the first `(ptr)->struct_size` bytes of
 * the struct `ptr` points to. Use it before reading any field that was added
 * after version 1.0 of the struct. */
#define TANDEM_HAS(ptr, type, field) \
    ((ptr) != NULL && (ptr)->struct_size >= offsetof(type, field) + sizeof(((type *)0)->field))

#endif /* TANDEM_VERSION_H */
