#ifndef FRL_PROCESS_CONTROL_H
#define FRL_PROCESS_CONTROL_H
#include <sys/prctl.h>

/* prctl(2) is variadic, which Swift cannot call, and a static executable cannot find it
   through dlsym. A header-only wrapper compiles into the caller, so it works in every build. */
static inline int frl_set_dumpable(int dumpable) {
    return prctl(PR_SET_DUMPABLE, (unsigned long)dumpable, 0UL, 0UL, 0UL);
}

static inline int frl_get_dumpable(void) {
    return prctl(PR_GET_DUMPABLE, 0UL, 0UL, 0UL, 0UL);
}

#endif
