#ifndef TANDEM_H
#define TANDEM_H

/*
 * Tandem connector plugin ABI, version 1.0. Include this one header.
 *
 *   version.h  ABI version numbers and the TANDEM_HAS growth check
 *   status.h   status codes
 *   buffer.h   owned buffers with their own release function
 *   host.h     the host table: log, http, secret, clock
 *   plugin.h   the plugin table: instances and operations
 *   entry.h    the exported entry and the descriptor
 *
 * Operations, their JSON and the entity shape: docs/connector-guide.md.
 */

#include "version.h"
#include "status.h"
#include "buffer.h"
#include "host.h"
#include "plugin.h"
#include "entry.h"

#endif /* TANDEM_H */
