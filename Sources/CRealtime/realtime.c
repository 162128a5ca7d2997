#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include "realtime.h"

int irectl_attr_pin_cpu(pthread_attr_t *attributes, int cpu) {
  if (cpu < 0 || cpu >= CPU_SETSIZE) return EINVAL;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  return pthread_attr_setaffinity_np(attributes, sizeof set, &set);
}

int irectl_current_cpu(void) { return sched_getcpu(); }

int irectl_cpu_allowed(int cpu) {
  if (cpu < 0 || cpu >= CPU_SETSIZE) return 0;
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) != 0) return -1;
  return CPU_ISSET(cpu, &set) ? 1 : 0;
}
