/*
 * CHADICThreads: the two thread-placement calls Swift cannot reach on Linux (the CPU_* macros
 * and sched_setaffinity are not imported): how many CPUs this process may run on, and pinning
 * the calling thread to one of them.
 */
#ifndef CHADICTHREADS_H
#define CHADICTHREADS_H

/// The number of CPUs the calling thread may run on (its affinity mask; a new thread inherits
/// its creator's); the online CPUs if the mask cannot be read; -1 if neither can.
int hadic_allowed_cpu_count(void);

/// Pins the calling thread to the `index`-th CPU this process may run on. 0 on success, -1 otherwise.
int hadic_pin_current_thread(int index);

/// Sets the calling thread's nice value (Linux schedules threads one by one). 0 on success, -1 otherwise.
int hadic_set_current_thread_nice(int nice);

#endif
