/* What a MinGW toolchain links into every module from its static runtime (libmingwex), and MSVC
 * provides as compiler intrinsics: the out-of-line copies of <math.h>'s classification functions,
 * which Cython's isnan and isinf reach through __fpclassify when compiled unoptimised (mingw-w64
 * declares them gnu_inline: the inline body is only for inlining). The cross-check links with
 * -nostdlib so that every other symbol must come from a Windows DLL; these are not the OS's.
 */
#include <math.h>

int __cdecl __fpclassify(double x) {
    return __builtin_fpclassify(FP_NAN, FP_INFINITE, FP_NORMAL, FP_SUBNORMAL, FP_ZERO, x);
}

int __cdecl __fpclassifyf(float x) {
    return __builtin_fpclassify(FP_NAN, FP_INFINITE, FP_NORMAL, FP_SUBNORMAL, FP_ZERO, x);
}
