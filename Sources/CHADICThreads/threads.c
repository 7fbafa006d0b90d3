#define _GNU_SOURCE
#include "CHADICThreads.h"

#ifdef __linux__
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

int hadic_set_current_thread_nice(int nice) {
    return setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), nice);
}

int hadic_allowed_cpu_count(void) {
    cpu_set_t set;
    // A mask wider than cpu_set_t (over 1,024 CPUs) cannot be read here: count the online CPUs
    // instead (pinning then fails and the workers run unpinned, as a plain pool would).
    if (sched_getaffinity(0, sizeof(set), &set) != 0) return (int)sysconf(_SC_NPROCESSORS_ONLN);
    return CPU_COUNT(&set);
}

int hadic_pin_current_thread(int index) {
    cpu_set_t allowed, one;
    if (index < 0 || sched_getaffinity(0, sizeof(allowed), &allowed) != 0) return -1;
    int seen = 0;
    for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
        if (!CPU_ISSET(cpu, &allowed)) continue;
        if (seen++ == index) {
            CPU_ZERO(&one);
            CPU_SET(cpu, &one);
            return sched_setaffinity(0, sizeof(one), &one);
        }
    }
    return -1;
}
#else
int hadic_allowed_cpu_count(void) { return -1; }
int hadic_pin_current_thread(int index) { (void)index; return -1; }
int hadic_set_current_thread_nice(int nice) { (void)nice; return -1; }
#endif
