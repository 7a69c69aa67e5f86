/*
 * Integers as JSON text, for the records' generated to_json(): the digits json.dumps writes for
 * the same Python int, without a Python object in between.
 */
#ifndef SOCKETSTAT_JSON_TEXT_H
#define SOCKETSTAT_JSON_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* Writes the decimal digits of `value` at `text` (room for 20) and returns how many: two
 * digits per division, from a table of the hundred pairs. */
static inline size_t socketstat_format_u64(uint64_t value, char *text)
{
    static const char pairs[201] =
        "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
        "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
        "8081828384858687888990919293949596979899";
    char digits[20];
    size_t start = 20;
    while (value >= 100) {
        unsigned int pair = (unsigned int)(value % 100) * 2;
        value /= 100;
        digits[--start] = pairs[pair + 1];
        digits[--start] = pairs[pair];
    }
    if (value >= 10) {
        digits[--start] = pairs[value * 2 + 1];
        digits[--start] = pairs[value * 2];
    } else {
        digits[--start] = (char)('0' + value);
    }
    for (size_t index = start; index < 20; index++)
        text[index - start] = digits[index];
    return 20 - start;
}

/* The same for a signed value (room for 21). */
static inline size_t socketstat_format_i64(int64_t value, char *text)
{
    if (value >= 0)
        return socketstat_format_u64((uint64_t)value, text);
    text[0] = '-';
    return 1 + socketstat_format_u64(-(uint64_t)value, text + 1);
}

#endif
