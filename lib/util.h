/* SPDX-License-Identifier: GPL-2.0 */
/* Small helpers every host file may use. */
#ifndef SIMVMM_UTIL_H
#define SIMVMM_UTIL_H

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif /* SIMVMM_UTIL_H */
