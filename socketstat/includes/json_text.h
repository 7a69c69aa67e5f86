/*
 * Integers as JSON text, for the records' generated to_json(): the digits json.dumps writes for
 * the same Python int, without a Python object in between.
 */
#ifndef SOCKETSTAT_JSON_TEXT_H
#define SOCKETSTAT_JSON_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* Writes the decimal digits of `value` at `text` (room for 20) and returns how many. */
static inline size_t socketstat_format_u64(uint64_t value, char *text)
{
    char digits[20];
    size_t count = 0;
    do {
        digits[count++] = (char)('0' + value % 10);
        value /= 10;
    } while (value);
    for (size_t index = 0; index < count; index++)
        text[index] = digits[count - 1 - index];
    return count;
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
