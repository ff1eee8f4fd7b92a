/* Times Argon2id (crypto_pwhash, ALG_ARGON2ID13, one lane) for libsodium's three presets with
 * the same libsodium the Swift package links, for SECURITY.md's choice of default.
 *
 *   cc -O2 -o /tmp/kdf_presets tools/bench/kdf_presets.c $(pkg-config --cflags --libs libsodium)
 *   /tmp/kdf_presets 5 > tools/bench/KDF.md
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int compare(const void *a, const void *b) {
    double x = *(const double *) a, y = *(const double *) b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    int runs = argc > 1 ? atoi(argv[1]) : 5;
    if (runs < 1 || runs > 50 || sodium_init() < 0) return 1;
    const struct { const char *name; unsigned long long ops; size_t mem; } presets[] = {
        { "interactive", crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE },
        { "moderate", crypto_pwhash_OPSLIMIT_MODERATE, crypto_pwhash_MEMLIMIT_MODERATE },
        { "sensitive", crypto_pwhash_OPSLIMIT_SENSITIVE, crypto_pwhash_MEMLIMIT_SENSITIVE },
    };
    unsigned char key[32], salt[crypto_pwhash_SALTBYTES] = { 0 };
    const char *password = "correct horse battery staple";
    printf("| preset | opslimit | memlimit | min (s) | median (s) | max (s) |\n");
    printf("|---|---|---|---|---|---|\n");
    for (size_t p = 0; p < sizeof presets / sizeof presets[0]; p++) {
        double times[50];
        for (int r = 0; r < runs; r++) {
            double start = now();
            if (crypto_pwhash(key, sizeof key, password, strlen(password), salt, presets[p].ops,
                              presets[p].mem, crypto_pwhash_ALG_ARGON2ID13) != 0) {
                return 2;
            }
            times[r] = now() - start;
        }
        qsort(times, runs, sizeof times[0], compare);
        printf("| %s | %llu | %zu MiB | %.3f | %.3f | %.3f |\n", presets[p].name, presets[p].ops,
               presets[p].mem >> 20, times[0], times[runs / 2], times[runs - 1]);
    }
    return 0;
}
