#ifndef IRECTL_REALTIME_H
#define IRECTL_REALTIME_H

#include <pthread.h>

/// pthread_attr_setaffinity_np with a one-CPU set: a GNU extension (and CPU_SET a macro),
/// which Swift's Glibc module does not import. Returns 0 or an errno value.
int irectl_attr_pin_cpu(pthread_attr_t *attributes, int cpu);

/// sched_getcpu: the CPU the calling thread runs on, or -1.
int irectl_current_cpu(void);

/// Whether the calling thread may run on `cpu` (sched_getaffinity and CPU_ISSET): 1 if so,
/// 0 if not, -1 with errno set when the set cannot be read.
int irectl_cpu_allowed(int cpu);

#endif
