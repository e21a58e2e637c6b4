#ifndef TANDEM_BUFFER_H
#define TANDEM_BUFFER_H

#include <stdint.h>

/*
 * An owned byte buffer passed from producer to consumer.
 *
 * Owner: the producer allocates `data` and sets `release`; the consumer calls
 * `release(buffer)` exactly once when done, from any thread, and must not touch
 * `data` afterwards. `release == NULL` means there is nothing to free (an empty
 * or already released buffer). Neither side ever frees the other side's memory
 * with its own allocator.
 *
 * The consumer zero-initialises a buffer (struct_size set) before handing it to
 * a producer to fill; a producer that fails leaves it empty.
 */
typedef struct tandem_buffer {
    uint32_t struct_size;   /* sizeof(tandem_buffer_t) as the consumer knows it */
    uint32_t reserved;      /* zero */
    const uint8_t *data;    /* may be NULL when size == 0 */
    uint64_t size;          /* bytes in data */
    /* Frees `data` and whatever `owner_data` holds. [thread-safe] */
    void (*release)(struct tandem_buffer *buffer);
    void *owner_data;       /* producer's private pointer for release */
} tandem_buffer_t;

#endif /* TANDEM_BUFFER_H */
